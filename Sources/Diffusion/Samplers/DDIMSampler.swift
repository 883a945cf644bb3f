import TensorCore

/// Denoising diffusion implicit models (Song et al. 2021, eq. 12) over CompVis's uniform subsequence of
/// timesteps (`make_ddim_timesteps`, `make_ddim_sampling_parameters`, `p_sample_ddim`):
/// x_s = √ᾱ_s·x̂_0 + √(1 − ᾱ_s − σ²)·ε̂ + σ·z, with σ = η·√((1 − ᾱ_s)/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_s).
/// η = 0 is deterministic; η = 1 has DDPM's posterior variance.
public struct DDIMSampler: Sampler {
    public let schedule: NoiseSchedule
    public let parameterization: Parameterization
    public let eta: Double
    /// 1 + k·⌊T/steps⌋ for k = 0, 1, … below T, visited from the largest: CompVis adds 1 "to get the
    /// final alpha values right", and its count can exceed the requested steps when T/steps is not whole
    /// (30 steps over 1000 visit 31 timesteps).
    public let timesteps: [Int]
    /// σ of each step, in visiting order.
    public let sigmas: [Double]
    /// ᾱ_s of each step: that of the next visited timestep, and ᾱ_0 (not 1) for the last, as CompVis.
    private let landingAlphaBars: [Double]

    public init(schedule: NoiseSchedule, parameterization: Parameterization, steps: Int, eta: Double = 0) throws {
        let count = schedule.timestepCount
        guard steps >= 1 && steps <= count else {
            throw DiffusionError(key: "steps", value: "\(steps)", expected: "a step count in 1...\(count)")
        }
        guard eta >= 0 && eta <= 1 else {
            throw DiffusionError(key: "eta", value: "\(eta)", expected: "a number in [0, 1]")
        }
        let stride = count / steps
        let ascending = Swift.stride(from: 0, to: count, by: stride).map { $0 + 1 }
        if let last = ascending.last, last >= count {
            throw DiffusionError(
                key: "steps", value: "\(steps)",
                expected: "a step count whose timesteps 1 + k·⌊\(count)/steps⌋ stay below \(count) "
                    + "(with \(steps) steps the last would be \(last))")
        }
        self.schedule = schedule
        self.parameterization = parameterization
        self.eta = eta
        let descending = Array(ascending.reversed())
        let landing = descending.indices.map { index in
            schedule.alphaBar(at: index + 1 < descending.count ? descending[index + 1] : 0)
        }
        timesteps = descending
        landingAlphaBars = landing
        sigmas = zip(descending, landing).map { t, previous in
            let alphaBar = schedule.alphaBar(at: t)
            return eta * ((1 - previous) / (1 - alphaBar) * (1 - alphaBar / previous)).squareRoot()
        }
    }

    /// Only with η > 0.
    public func addsNoise(atStep index: Int) -> Bool { sigmas[index] > 0 }

    public func step(modelOutput: Tensor, noisy x: Tensor, index: Int, noise: Tensor?) -> Tensor {
        precondition((noise != nil) == addsNoise(atStep: index),
                     "DDIMSampler: step \(index) \(noise == nil ? "needs" : "takes no") noise")
        let batch = x.shape[0]
        let (start, predictedNoise) = schedule.startAndNoise(
            from: modelOutput, parameterization, noisy: x, timesteps: [Int](repeating: timesteps[index], count: batch))
        let previous = landingAlphaBars[index], sigma = sigmas[index]
        func perSample(_ value: Double) -> [Double] { [Double](repeating: value, count: batch) }
        var terms = [(start, perSample(previous.squareRoot())),
                     (predictedNoise, perSample(max(0, 1 - previous - sigma * sigma).squareRoot()))]
        if let noise { terms.append((noise, perSample(sigma))) }
        return perSampleWeightedSum(terms)
    }
}
