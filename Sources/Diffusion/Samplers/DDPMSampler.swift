import TensorCore

/// Ancestral sampling (Ho et al. 2020, Algorithm 2): each step draws x_s from the posterior
/// q(x_s | x_t, x̂_0) with its own variance (CompVis `p_sample`, the "fixed_small" variance), where x̂_0 is
/// the clean sample the model output implies.
public struct DDPMSampler: Sampler {
    public let schedule: NoiseSchedule
    public let parameterization: Parameterization
    /// Whether x̂_0 is clamped to [−1, 1] before the posterior (CompVis `clip_denoised`, for pixels in
    /// [−1, 1]; latents are not bounded, so leave it off for them).
    public let clipsDenoised: Bool
    public let timesteps: [Int]

    /// - Parameter steps: how many timesteps to visit. All T by default, T − 1 down to 0 as CompVis;
    ///   fewer visit every (T / steps)-th timestep from (steps − 1)·(T / steps) down to 0 (diffusers'
    ///   "leading" spacing), each step jumping to the next visited timestep through the exact posterior.
    ///   The last step lands on the clean sample (timestep −1).
    public init(schedule: NoiseSchedule, parameterization: Parameterization, steps: Int? = nil,
                clipsDenoised: Bool = false) throws {
        let count = schedule.timestepCount
        let steps = steps ?? count
        guard steps >= 1 && steps <= count else {
            throw DiffusionError(key: "steps", value: "\(steps)", expected: "a step count in 1...\(count)")
        }
        let stride = count / steps
        self.schedule = schedule
        self.parameterization = parameterization
        self.clipsDenoised = clipsDenoised
        timesteps = (0..<steps).reversed().map { $0 * stride }
    }

    /// The timestep the step at `index` lands on: the next visited one, or −1 (clean) after the last.
    private func target(ofStep index: Int) -> Int { index + 1 < timesteps.count ? timesteps[index + 1] : -1 }

    /// Every step but the one landing on the clean sample, whose posterior variance is 0.
    public func addsNoise(atStep index: Int) -> Bool { target(ofStep: index) >= 0 }

    /// x_s = a·x̂_0 + b·x_t + √variance·z with the posterior's coefficients (Ho et al. 2020, eq. 7).
    public func step(modelOutput: Tensor, noisy x: Tensor, index: Int, noise: Tensor?) -> Tensor {
        let t = timesteps[index], s = target(ofStep: index), batch = x.shape[0]
        precondition((noise != nil) == addsNoise(atStep: index),
                     "DDPMSampler: step \(index) \(noise == nil ? "needs" : "takes no") noise")
        var start = schedule.predictedStart(from: modelOutput, parameterization, noisy: x,
                                            timesteps: [Int](repeating: t, count: batch))
        if clipsDenoised { start = start.clamped(min: -1, max: 1) }
        let posterior = schedule.posterior(from: t, to: s)
        func perSample(_ value: Double) -> [Double] { [Double](repeating: value, count: batch) }
        var terms = [(start, perSample(posterior.startCoefficient)), (x, perSample(posterior.currentCoefficient))]
        if let noise { terms.append((noise, perSample(posterior.variance.squareRoot()))) }
        return perSampleWeightedSum(terms)
    }
}
