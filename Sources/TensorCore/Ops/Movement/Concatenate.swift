/// Joining tensors along an axis, and the inverse: `split` and `chunked`.
extension Tensor {
    /// The tensors joined along `axis`; all other extents must agree (PyTorch's `torch.cat`).
    /// The pullback hands each input its part of the cotangent.
    public static func concatenate(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: no tensors")
        let first = tensors[0]
        let axis = normalizedAxis(axis, rank: first.rank)
        for t in tensors {
            precondition(t.rank == first.rank && t.shape.indices.allSatisfy { $0 == axis || t.shape[$0] == first.shape[$0] },
                         "concatenate: shapes \(tensors.map(\.shape)) differ off axis \(axis)")
        }
        if tensors.count == 1 { return first }
        let starts = tensors.reduce(into: [0]) { $0.append($0.last! + $1.shape[axis]) }
        var outputShape = first.shape
        outputShape[axis] = starts.last!
        let result = Tensor(shape: outputShape) { out in
            let destinationStrides = contiguousStrides(outputShape)
            for (t, start) in zip(tensors, starts) {
                t.withUnsafeScalars { input in
                    stridedCopy(shape: t.shape, from: input.baseAddress!, strides: contiguousStrides(t.shape),
                                to: out.baseAddress! + start * destinationStrides[axis], strides: destinationStrides)
                }
            }
        }
        return result.recorded("concatenate", inputs: tensors) { g, wanted in
            tensors.indices.map { i in
                guard wanted[i] else { return nil }
                var origin = [Int](repeating: 0, count: g.rank)
                origin[axis] = starts[i]
                return g.croppedKernel(origin: origin, shape: tensors[i].shape)
            }
        }
    }

    /// Consecutive parts of `sizes[i]` elements along `axis`; the sizes must add up to its extent
    /// (PyTorch's `torch.split` with a list). Each part is a `sliced` copy, so in the backward pass
    /// each used part contributes a zero-padded full-size cotangent, and these are summed.
    public func split(sizes: [Int], axis: Int) -> [Tensor] {
        let axis = normalizedAxis(axis, rank: rank)
        precondition(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[axis],
                     "split: sizes \(sizes) do not add up to extent \(shape[axis]) of axis \(axis) of shape \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return sliced(axis: axis, range: start..<start + size)
        }
    }

    /// `count` parts of equal size along `axis`, the last smaller when the extent is not divisible,
    /// and fewer parts when the extent is too small (PyTorch's `torch.chunk`: parts of
    /// ⌈extent / count⌉).
    public func chunked(_ count: Int, axis: Int) -> [Tensor] {
        let axis = normalizedAxis(axis, rank: rank)
        precondition(count > 0, "chunked: count \(count) must be positive")
        let extent = shape[axis]
        let size = Swift.max(1, (extent + count - 1) / count)
        let sizes = stride(from: 0, to: extent, by: size).map { min(size, extent - $0) }
        return split(sizes: sizes.isEmpty ? [0] : sizes, axis: axis)
    }
}
