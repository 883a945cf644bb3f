/// Constant padding: `padded(_:value:)` over any axes and `padded(_: Padding2D)` for NCHW images.
extension Tensor {
    /// The tensor surrounded by `value`: `amounts[i]` elements before and after along axis i
    /// (one pair per axis; PyTorch's `F.pad` lists the same pairs last axis first). The pullback
    /// crops the cotangent's interior.
    public func padded(_ amounts: [(before: Int, after: Int)], value: Float = 0) -> Tensor {
        precondition(amounts.count == rank,
                     "padded: \(amounts.count) padding pairs for shape \(shape); give one per axis")
        precondition(amounts.allSatisfy { $0.before >= 0 && $0.after >= 0 },
                     "padded: negative padding \(amounts) for shape \(shape)")
        if amounts.allSatisfy({ $0 == (0, 0) }) { return self }
        let origin = amounts.map(\.before)
        let paddedShape = zip(shape, amounts).map { $0 + $1.before + $1.after }
        let interiorShape = shape
        let result = Tensor(shape: paddedShape) { out in
            out.initialize(repeating: value)
            let destinationStrides = contiguousStrides(paddedShape)
            let start = zip(origin, destinationStrides).reduce(0) { $0 + $1.0 * $1.1 }
            withUnsafeScalars { input in
                stridedCopy(shape: interiorShape, from: input.baseAddress!, strides: contiguousStrides(interiorShape),
                            to: out.baseAddress! + start, strides: destinationStrides)
            }
        }
        return result.recorded("pad", inputs: [self]) { g, _ in
            [g.croppedKernel(origin: origin, shape: interiorShape)]
        }
    }

    /// The spatial (last two) axes of an NCHW tensor padded with zeros, possibly asymmetrically.
    public func padded(_ padding: Padding2D) -> Tensor {
        precondition(rank >= 2, "padded: \(padding) needs a tensor of rank ≥ 2, got shape \(shape)")
        return padded([(before: Int, after: Int)](repeating: (0, 0), count: rank - 2)
                      + [(padding.top, padding.bottom), (padding.left, padding.right)])
    }
}
