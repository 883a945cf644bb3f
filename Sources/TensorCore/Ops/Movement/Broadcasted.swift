/// Expanding extent-1 axes by repetition.
extension Tensor {
    /// `self` repeated along its extent-1 (or missing leading) axes to `target` (PyTorch's
    /// `x.expand(target).contiguous()`). The pullback sums the cotangent over the repeated axes.
    public func broadcasted(to target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(broadcastShape(shape, target) == target, "broadcasted: cannot broadcast \(shape) to \(target)")
        let source = self
        let result = Tensor(shape: target) { out in
            withUnsafeScalars { input in
                stridedCopy(shape: target, from: input.baseAddress!, strides: broadcastStrides(shape, to: target),
                            to: out.baseAddress!, strides: contiguousStrides(target))
            }
        }
        return result.recorded("broadcast", inputs: [source]) { g, _ in [g.unbroadcasted(to: source.shape)] }
    }
}
