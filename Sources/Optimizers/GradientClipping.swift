import TensorCore

/// Scales `gradients` down so that their joint L2 norm is at most `maxNorm`
/// (torch.nn.utils.clip_grad_norm_ with norm type 2; Pascanu et al. 2013).
///
/// The norm ‖g‖ = √(Σ over all elements of all tensors of g²) is summed in Double. When
/// maxNorm / (‖g‖ + 1e-6) < 1 every gradient is multiplied by that factor; otherwise they are
/// returned unchanged. A non-finite norm is returned as is (with gradients scaled by a
/// meaningless factor), so callers can skip the step as torch's `error_if_nonfinite` would.
/// - Returns: the clipped gradients and the norm before clipping.
public func clipByGlobalNorm(_ gradients: [Tensor], maxNorm: Float) -> (clipped: [Tensor], norm: Float) {
    precondition(maxNorm > 0, "clipByGlobalNorm: maxNorm must be positive, got \(maxNorm)")
    let norm = Float(gradients.reduce(0) { $0 + sumOfSquares($1) }.squareRoot())
    let scale = maxNorm / (norm + 1e-6)
    guard !(scale >= 1) else { return (gradients, norm) }
    return (withoutGradients { gradients.map { $0 * scale } }, norm)
}

/// Σ x² over the elements of `tensor`, in Double.
public func sumOfSquares(_ tensor: Tensor) -> Double {
    tensor.withUnsafeScalars { x in
        var total = 0.0
        for value in x { total += Double(value) * Double(value) }
        return total
    }
}
