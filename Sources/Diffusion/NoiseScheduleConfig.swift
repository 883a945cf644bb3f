/// The forward process's settings as the run configs spell them (CompVis's `beta_schedule`,
/// `timesteps`, `linear_start`, `linear_end`), with the defaults of CompVis's latent diffusion models.
public struct NoiseScheduleConfig: Codable, Equatable, Sendable {
    /// How β_t grows with t (CompVis `make_beta_schedule`).
    public enum Kind: String, Codable, Sendable {
        /// β = linspace(√linear_start, √linear_end, T)²; diffusers calls it `scaled_linear`.
        case linear
        /// β = linspace(linear_start, linear_end, T): what DDPM (Ho et al. 2020) calls linear.
        case sqrtLinear = "sqrt_linear"
        /// ᾱ follows cos²((t/T + s)/(1 + s)·π/2), s = 0.008 (Nichol & Dhariwal 2021, eq. 17);
        /// `linear_start` and `linear_end` are unused.
        case cosine
    }

    public var kind = Kind.linear
    /// The number of diffusion steps T; timesteps run from 0 to T − 1.
    public var timesteps = 1000
    /// β of the first and the last timestep for the linear kinds. 0.00085 and 0.012 are the LDM
    /// values; pixel-space DDPM uses 1e-4 and 2e-2.
    public var linearStart = 0.00085
    public var linearEnd = 0.012

    public init() {}

    public init(kind: Kind, timesteps: Int = 1000, linearStart: Double = 0.00085, linearEnd: Double = 0.012) {
        self.kind = kind
        self.timesteps = timesteps
        self.linearStart = linearStart
        self.linearEnd = linearEnd
    }
}
