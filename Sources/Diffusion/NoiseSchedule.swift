import TensorCore

/// The forward (noising) process of a diffusion model: β_t and the products derived from it, in Double.
///
/// q(x_t | x_0) = N(√ᾱ_t·x_0, (1 − ᾱ_t)·I) with ᾱ_t = Π_{s≤t} (1 − β_s) (Ho et al. 2020, eq. 4).
/// Timesteps run from 0 to T − 1 as in CompVis; ᾱ_{−1} = 1 stands for the clean data, so timestep −1
/// is where a sampler's last step lands.
public struct NoiseSchedule: Equatable, Sendable {
    /// β_t for t in 0..<T.
    public let betas: [Double]
    /// ᾱ_t = Π_{s≤t} (1 − β_s) (CompVis `alphas_cumprod`).
    public let alphaBars: [Double]

    /// The schedule `config` describes (CompVis `make_beta_schedule` and `register_schedule`).
    public init(_ config: NoiseScheduleConfig) throws {
        try self.init(betas: makeBetas(config))
    }

    /// A schedule from explicit β_t (CompVis `given_betas`); each must lie in (0, 1).
    public init(betas: [Double]) throws {
        guard !betas.isEmpty else {
            throw DiffusionError(key: "betas", value: "empty", expected: "one β per timestep")
        }
        if let t = betas.firstIndex(where: { !($0 > 0 && $0 < 1) }) {
            throw DiffusionError(key: "betas[\(t)]", value: "\(betas[t])", expected: "a number in (0, 1)")
        }
        self.betas = betas
        var product = 1.0
        alphaBars = betas.map { beta in
            product *= 1 - beta
            return product
        }
    }

    /// T, the number of timesteps.
    public var timestepCount: Int { betas.count }

    /// ᾱ_t, with ᾱ_{−1} = 1.
    public func alphaBar(at t: Int) -> Double {
        precondition(t >= -1 && t < timestepCount, "NoiseSchedule: timestep \(t) outside −1..<\(timestepCount)")
        return t < 0 ? 1 : alphaBars[t]
    }

    /// √ᾱ_t, the scale of the data in x_t.
    public func signalScale(at t: Int) -> Double { alphaBar(at: t).squareRoot() }

    /// √(1 − ᾱ_t), the standard deviation of the noise in x_t.
    public func noiseScale(at t: Int) -> Double { (1 - alphaBar(at: t)).squareRoot() }

    /// SNR(t) = ᾱ_t / (1 − ᾱ_t) (Kingma et al. 2021).
    public func signalToNoiseRatio(at t: Int) -> Double {
        let alphaBar = alphaBar(at: t)
        return alphaBar / (1 - alphaBar)
    }

    /// The Gaussian q(x_s | x_t, x_0) = N(a·x_0 + b·x_t, variance·I) for s < t (Ho et al. 2020, eqs. 6–7,
    /// with β_t replaced by 1 − ᾱ_t/ᾱ_s so that s may lie several steps before t). For s = t − 1 these are
    /// CompVis's `posterior_mean_coef1`, `posterior_mean_coef2` and `posterior_variance`; for s = −1 the
    /// mean is x_0 and the variance 0.
    public func posterior(from t: Int, to s: Int) -> (startCoefficient: Double, currentCoefficient: Double,
                                                      variance: Double) {
        precondition(s < t, "NoiseSchedule.posterior: target timestep \(s) is not before \(t)")
        let alphaBarT = alphaBar(at: t), alphaBarS = alphaBar(at: s)
        let stepAlpha = alphaBarT / alphaBarS
        let stepBeta = 1 - stepAlpha
        return (startCoefficient: alphaBarS.squareRoot() * stepBeta / (1 - alphaBarT),
                currentCoefficient: stepAlpha.squareRoot() * (1 - alphaBarS) / (1 - alphaBarT),
                variance: stepBeta * (1 - alphaBarS) / (1 - alphaBarT))
    }
}

extension NoiseSchedule {
    /// Checks that `timesteps` gives one valid timestep per sample of `batch` and that `other`, if given,
    /// has the batch's shape.
    func checkBatch(_ timesteps: [Int], of batch: Tensor, beside other: Tensor? = nil, function: String = #function) {
        precondition(batch.rank >= 1 && timesteps.count == batch.shape[0],
                     "\(function): \(timesteps.count) timesteps for a batch of shape \(batch.shape)")
        if let t = timesteps.first(where: { $0 < 0 || $0 >= timestepCount }) {
            preconditionFailure("\(function): timestep \(t) outside 0..<\(timestepCount)")
        }
        if let other {
            precondition(other.shape == batch.shape, "\(function): shapes \(other.shape) and \(batch.shape) differ")
        }
    }
}
