import TensorCore

/// A denoiser that applies classifier-free guidance (Ho & Salimans 2022):
/// output = u + scale·(c − u), from one call of `model` on the doubled batch [x; x].
///
/// `model` receives [x; x] [2B, …] with the timesteps repeated, and must evaluate the first half
/// unconditionally (null class, empty caption) and the second half with the conditioning, returning
/// [u; c] [2B, …] (CompVis `p_sample_ddim`). Guiding the raw output is the same as guiding ε̂ for every
/// parameterisation: ε̂ and x̂_0 are affine in it with coefficients shared by both halves. Scale 1 gives
/// the conditional output, 0 the unconditional one.
public func classifierFreeGuidance(scale: Double, model: @escaping Denoiser) -> Denoiser {
    return { x, timesteps in
        let batch = x.shape[0]
        let output = try model(Tensor.concatenate([x, x], axis: 0), timesteps + timesteps)
        precondition(output.shape == [2 * batch] + x.shape.dropFirst(),
                     "classifierFreeGuidance: the model returned \(output.shape) for a doubled batch of \(x.shape)")
        let unconditional = output.sliced(axis: 0, range: 0..<batch)
        let conditional = output.sliced(axis: 0, range: batch..<2 * batch)
        return perSampleWeightedSum([(unconditional, [Double](repeating: 1 - scale, count: batch)),
                                     (conditional, [Double](repeating: scale, count: batch))])
    }
}
