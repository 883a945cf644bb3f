/// Taking a range of one axis, and the box-copy kernel behind it.
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

    /// The box of `self` of extents `boxShape` starting at `origin`, as a new packed tensor
    /// (no graph node). The kernel of `sliced` and of the pullbacks of `padded` and `concatenate`.
    func croppedKernel(origin: [Int], shape boxShape: [Int]) -> Tensor {
        let strides = contiguousStrides(shape)
        let start = zip(origin, strides).reduce(0) { $0 + $1.0 * $1.1 }
        return Tensor(shape: boxShape) { out in
            withUnsafeScalars { input in
                stridedCopy(shape: boxShape, from: input.baseAddress! + start, strides: strides,
                            to: out.baseAddress!, strides: contiguousStrides(boxShape))
            }
        }
    }
}
