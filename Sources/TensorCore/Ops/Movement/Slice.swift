/// Taking a range of one axis.
extension Tensor {
    /// The elements whose index along `axis` lies in `range`, copied (PyTorch's
    /// `x.narrow(axis, range.lowerBound, range.count)`). The pullback pads the cotangent back with
    /// zeros.
    public func sliced(axis: Int, range: Range<Int>) -> Tensor {
        let axis = normalizedAxis(axis, rank: rank)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "sliced: range \(range) out of bounds for axis \(axis) of shape \(shape)")
        if range.count == shape[axis] { return self }
        var origin = [Int](repeating: 0, count: rank)
        origin[axis] = range.lowerBound
        var boxShape = shape
        boxShape[axis] = range.count
        var padding = [(before: Int, after: Int)](repeating: (0, 0), count: rank)
        padding[axis] = (range.lowerBound, shape[axis] - range.upperBound)
        return croppedKernel(origin: origin, shape: boxShape).recorded("slice", inputs: [self]) { g, _ in
            [g.padded(padding)]
        }
    }
}
