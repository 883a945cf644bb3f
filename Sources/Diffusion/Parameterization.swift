import TensorCore

/// What the denoising network predicts from (x_t, t) (CompVis `parameterization`, with its spellings).
public enum Parameterization: String, Codable, Sendable, CaseIterable {
    /// The noise ε that was added (Ho et al. 2020).
    case eps
    /// The clean sample x_0.
    case x0
    /// The velocity v = √ᾱ_t·ε − √(1 − ᾱ_t)·x_0 (Salimans & Ho 2022).
    case v
}

extension NoiseSchedule {
    /// The clean sample and the noise that a model output implies at (x_t, t), from
    /// x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε (CompVis `predict_start_from_noise`, `predict_start_from_z_and_v`,
    /// `predict_eps_from_z_and_v`).
    /// - Parameters: output and noisy are [B, …]; timesteps holds one t per sample.
    public func startAndNoise(from output: Tensor, _ parameterization: Parameterization, noisy: Tensor,
                              timesteps: [Int]) -> (start: Tensor, noise: Tensor) {
        (predictedStart(from: output, parameterization, noisy: noisy, timesteps: timesteps),
         predictedNoise(from: output, parameterization, noisy: noisy, timesteps: timesteps))
    }

    /// The clean sample x̂_0 a model output implies at (x_t, t); shapes as `startAndNoise`.
    public func predictedStart(from output: Tensor, _ parameterization: Parameterization, noisy: Tensor,
                               timesteps: [Int]) -> Tensor {
        checkBatch(timesteps, of: noisy, beside: output)
        let signal = timesteps.map(signalScale), noise = timesteps.map(noiseScale)
        switch parameterization {
        case .eps:  // (x_t − √(1 − ᾱ)·ε) / √ᾱ
            return perSampleWeightedSum([(noisy, signal.map { 1 / $0 }), (output, zip(noise, signal).map { -$0 / $1 })])
        case .x0:
            return output
        case .v:  // √ᾱ·x_t − √(1 − ᾱ)·v
            return perSampleWeightedSum([(noisy, signal), (output, noise.map { -$0 })])
        }
    }

    /// The noise ε̂ a model output implies at (x_t, t); shapes as `startAndNoise`.
    public func predictedNoise(from output: Tensor, _ parameterization: Parameterization, noisy: Tensor,
                               timesteps: [Int]) -> Tensor {
        checkBatch(timesteps, of: noisy, beside: output)
        let signal = timesteps.map(signalScale), noise = timesteps.map(noiseScale)
        switch parameterization {
        case .eps:
            return output
        case .x0:  // (x_t − √ᾱ·x_0) / √(1 − ᾱ)
            return perSampleWeightedSum([(noisy, noise.map { 1 / $0 }), (output, zip(signal, noise).map { -$0 / $1 })])
        case .v:  // √ᾱ·v + √(1 − ᾱ)·x_t
            return perSampleWeightedSum([(output, signal), (noisy, noise)])
        }
    }
}
