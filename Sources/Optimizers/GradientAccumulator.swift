import TensorCore

/// Sums the gradients of several micro-batches so that they can be applied as one step.
///
/// For a loss that is a mean over the batch, averaging the gradients of k micro-batches of b
/// samples gives the gradient of one batch of k·b samples, at the memory cost of one micro-batch.
public struct GradientAccumulator {
    /// Whether `takeGradients()` divides the sums by the number of micro-batches.
    public let averaging: Bool
    /// The number of micro-batches added since the last `takeGradients()`.
    public private(set) var microBatchCount = 0
    private var sums: [Tensor] = []

    public init(averaging: Bool = true) { self.averaging = averaging }

    /// Adds the gradients of one micro-batch; each call passes the same tensors' gradients in the same order.
    public mutating func add(_ gradients: [Tensor]) {
        if microBatchCount == 0 {
            sums = gradients.map { $0.detached() }
        } else {
            precondition(gradients.count == sums.count,
                         "GradientAccumulator.add: \(gradients.count) gradients, earlier micro-batches had \(sums.count)")
            for index in sums.indices { accumulate(gradients[index], into: index) }
        }
        microBatchCount += 1
    }

    /// The sums (or means) of the gradients added so far, leaving the accumulator empty.
    public mutating func takeGradients() -> [Tensor] {
        precondition(microBatchCount > 0, "GradientAccumulator.takeGradients: no gradients were added")
        let count = Float(microBatchCount)
        var result = sums
        (sums, microBatchCount) = ([], 0)
        if averaging && count > 1 {
            for index in result.indices {
                result[index].withMutableScalars { x in
                    for i in x.indices { x[i] /= count }
                }
            }
        }
        return result
    }

    /// sums[index] += gradient, in place (copying first if the caller still shares the first gradient).
    private mutating func accumulate(_ gradient: Tensor, into index: Int) {
        precondition(gradient.shape == sums[index].shape,
                     "GradientAccumulator.add: gradient \(index) has shape \(gradient.shape), "
                     + "earlier micro-batches \(sums[index].shape)")
        gradient.withUnsafeScalars { source in
            sums[index].withMutableScalars { total in
                let g = source.baseAddress!, s = total.baseAddress!
                for i in 0..<total.count { s[i] += g[i] }
            }
        }
    }
}
