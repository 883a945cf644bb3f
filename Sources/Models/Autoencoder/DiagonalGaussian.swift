import TensorCore

/// The KL autoencoder's posterior q(z|x): a Gaussian with diagonal covariance.
///
/// Built from the encoder's moments [N, 2C, h, w], split into mean and log-variance along the
/// channel axis, the log-variance clamped to [−30, 20]. CompVis
/// ldm/modules/distributions/distributions.py `DiagonalGaussianDistribution`.
public struct DiagonalGaussian {
    /// [N, C, h, w]
    public let mean: Tensor
    /// [N, C, h, w], clamped to [−30, 20].
    public let logVariance: Tensor

    public init(moments: Tensor) {
        let halves = moments.chunked(2, axis: 1)
        mean = halves[0]
        logVariance = halves[1].clamped(min: -30, max: 20)
    }

    /// A reparameterised sample mean + σ·ε, ε ~ N(0, I) drawn from `generator`.
    public func sample(using generator: inout SeededGenerator) -> Tensor {
        let noise = Tensor.randomNormal(mean.shape, using: &generator)
        return mean + (logVariance * 0.5).exp() * noise
    }

    /// KL(q ‖ N(0, I)) per sample: 0.5·Σ(μ² + σ² − 1 − log σ²) over C, h, w. Shape [N].
    public func klDivergence() -> Tensor {
        (0.5 * (mean * mean + logVariance.exp() - 1 - logVariance)).sum(alongAxes: [1, 2, 3])
    }
}
