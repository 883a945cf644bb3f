import TensorCore

/// The denoising objective: the mean L2 or L1 distance between model output and target per sample,
/// optionally weighted by min-SNR-γ, then averaged over the batch (CompVis `p_losses` with
/// `l_simple_weight` 1 and `original_elbo_weight` 0, its defaults).
///
/// Codable with the run configs' keys (`parameterization`, `loss_type`, `min_snr_gamma`); call
/// `validate()` on settings read from a file.
public struct DiffusionLoss: Codable, Equatable, Sendable {
    /// The per-element distance (CompVis `loss_type`).
    public enum Distance: String, Codable, Sendable { case l2, l1 }

    /// What the model predicts, which sets the min-SNR weight's form.
    public var parameterization = Parameterization.eps
    public var lossType = Distance.l2
    /// Min-SNR-γ weighting (Hang et al. 2023) when set (they use γ = 5); nil weights every sample by 1.
    public var minSNRGamma: Double?

    public init(parameterization: Parameterization = .eps, lossType: Distance = .l2, minSNRGamma: Double? = nil) {
        self.parameterization = parameterization
        self.lossType = lossType
        self.minSNRGamma = minSNRGamma
    }

    /// Throws if a setting cannot work (γ must be positive).
    public func validate() throws {
        if let gamma = minSNRGamma, !(gamma > 0 && gamma.isFinite) {
            throw DiffusionError(key: "min_snr_gamma", value: "\(gamma)", expected: "a positive number, or no value")
        }
    }

    /// The weight of a sample at timestep t: with SNR = ᾱ_t/(1 − ᾱ_t), min(SNR, γ)/SNR for ε,
    /// min(SNR, γ)/(SNR + 1) for v and min(SNR, γ) for x_0 (Hang et al. 2023, eqs. 9–11): each
    /// equals min(SNR, γ) in the x_0 loss's units. 1 without γ.
    public func weight(at t: Int, in schedule: NoiseSchedule) -> Double {
        guard let gamma = minSNRGamma else { return 1 }
        let snr = schedule.signalToNoiseRatio(at: t)
        let clipped = min(snr, gamma)
        switch parameterization {
        case .eps: return clipped / snr
        case .v: return clipped / (snr + 1)
        case .x0: return clipped
        }
    }

    /// The loss of `output` against `target` (both [B, …]) at one timestep per sample.
    /// - Returns: the scalar loss, differentiable with respect to `output`; each sample's unweighted
    ///   mean distance (to log or bin by timestep); and each sample's weight.
    public func callAsFunction(_ output: Tensor, target: Tensor, timesteps: [Int],
                               schedule: NoiseSchedule) -> (loss: Tensor, perSample: [Float], weights: [Double]) {
        precondition(minSNRGamma.map { $0 > 0 } ?? true,
                     "DiffusionLoss: min_snr_gamma \(minSNRGamma!) is not positive (validate first)")
        precondition(output.shape == target.shape,
                     "DiffusionLoss: output \(output.shape) and target \(target.shape) differ in shape")
        schedule.checkBatch(timesteps, of: output)
        let difference = output - target
        let distance = lossType == .l2 ? difference * difference : difference.abs()
        let perSample = distance.mean(alongAxes: Array(1..<output.rank))
        let weights = timesteps.map { weight(at: $0, in: schedule) }
        let weighted = minSNRGamma == nil
            ? perSample : perSample * Tensor(shape: [weights.count], scalars: weights.map(Float.init))
        return (weighted.mean(), perSample.scalars, weights)
    }
}
