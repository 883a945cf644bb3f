/// The sampler a run config asks for (`kind: ddim` or `ddpm`, `steps`, and each kind's setting).
public struct SamplerConfig: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable { case ddim, ddpm }

    public var kind = Kind.ddim
    /// Timesteps to visit (DDIM may visit one more; see `DDIMSampler.timesteps`).
    public var steps = 50
    /// DDIM only: the noise scale η in [0, 1]; 0 is deterministic.
    public var eta = 0.0
    /// DDPM only: clamp x̂_0 to [−1, 1] (for pixels, not latents).
    public var clipDenoised = false

    public init() {}

    public init(kind: Kind, steps: Int, eta: Double = 0, clipDenoised: Bool = false) {
        self.kind = kind
        self.steps = steps
        self.eta = eta
        self.clipDenoised = clipDenoised
    }

    /// The sampler these settings describe, or an error naming the setting that cannot work.
    public func makeSampler(schedule: NoiseSchedule, parameterization: Parameterization) throws -> any Sampler {
        switch kind {
        case .ddim:
            return try DDIMSampler(schedule: schedule, parameterization: parameterization, steps: steps, eta: eta)
        case .ddpm:
            return try DDPMSampler(schedule: schedule, parameterization: parameterization, steps: steps,
                                   clipsDenoised: clipDenoised)
        }
    }
}
