/// Reordering axes: `permuted`, `transposed`, and the views `squeezed`/`unsqueezed`.
extension Tensor {
    /// The tensor with its axes reordered: output axis i is input axis `axes[i]` (negative axes
    /// count from the end), copied into packed storage (PyTorch's `x.permute(axes).contiguous()`).
    ///
    /// Permutations that keep the last axis in place ([B,N,H,D]→[B,H,N,D]) copy whole rows; the
    /// others are done as tiled 2-D transposes. The pullback permutes back.
    public func permuted(_ axes: [Int]) -> Tensor {
        let order = axes.map { normalizedAxis($0, rank: rank) }
        precondition(order.count == rank && Set(order).count == rank,
                     "permuted: \(axes) is not a permutation of the axes of shape \(shape)")
        if order == Array(0..<rank) { return self }
        var inverse = [Int](repeating: 0, count: rank)
        for (outputAxis, inputAxis) in order.enumerated() { inverse[inputAxis] = outputAxis }
        return Tensor.permuteKernel(self, order).recorded("permute", inputs: [self]) { g, _ in
            [g.permuted(inverse)]
        }
    }

    /// The tensor with its last two axes swapped ([…, M, N] → […, N, M]), copied.
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transposed: needs rank ≥ 2, got shape \(shape)")
        return permuted(Array(0..<rank - 2) + [rank - 1, rank - 2])
    }

    /// The same elements without axis `axis`, which must have extent 1 (a view, no copy).
    public func squeezed(axis: Int) -> Tensor {
        let axis = normalizedAxis(axis, rank: rank)
        precondition(shape[axis] == 1, "squeezed: axis \(axis) of shape \(shape) has extent \(shape[axis]), not 1")
        var newShape = shape
        newShape.remove(at: axis)
        return reshaped(to: newShape)
    }

    /// The same elements with a new axis of extent 1 at position `axis` of the result (−1 appends
    /// it; a view, no copy).
    public func unsqueezed(axis: Int) -> Tensor {
        let axis = normalizedAxis(axis, rank: rank + 1)
        var newShape = shape
        newShape.insert(1, at: axis)
        return reshaped(to: newShape)
    }

    /// `x` permuted by `order` into a new packed tensor (no graph node).
    static func permuteKernel(_ x: Tensor, _ order: [Int]) -> Tensor {
        let outputShape = order.map { x.shape[$0] }
        let inputStrides = contiguousStrides(x.shape)
        let sourceStrides = order.map { inputStrides[$0] }
        let destinationStrides = contiguousStrides(outputShape)
        return Tensor(shape: outputShape) { out in
            x.withUnsafeScalars { input in
                let source = input.baseAddress!, destination = out.baseAddress!
                // Axes of extent 1 do not matter; merge the axes that stay adjacent.
                let kept = outputShape.indices.filter { outputShape[$0] != 1 }
                let (shape, strides) = coalescedAxes(
                    shape: kept.map { outputShape[$0] },
                    strides: [kept.map { sourceStrides[$0] }, kept.map { destinationStrides[$0] }])
                if let rowAxis = shape.indices.dropLast().first(where: { strides[0][$0] == 1 }) {
                    transposeTiles(shape: shape, sourceStrides: strides[0], destinationStrides: strides[1],
                                   rowAxis: rowAxis, source: source, destination: destination)
                } else {
                    stridedCopy(shape: shape, from: source, strides: strides[0],
                                to: destination, strides: strides[1])
                }
            }
        }
    }

    /// The copy of a permutation that moves the input's last axis: a batch of 2-D transposes.
    ///
    /// `rowAxis` is the output axis read contiguously (source stride 1); the last output axis is
    /// written contiguously. Blocks of `tile` rows × `tile` columns are copied at a time so that
    /// both the strided reads and the strided writes stay in cache.
    private static func transposeTiles(shape: [Int], sourceStrides: [Int], destinationStrides: [Int], rowAxis: Int,
                                       source: UnsafePointer<Float>, destination: UnsafeMutablePointer<Float>) {
        let tile = 32
        let last = shape.count - 1
        let rows = shape[rowAxis], columns = shape[last]
        let rowStride = destinationStrides[rowAxis], columnStride = sourceStrides[last]
        let batchAxes = shape.indices.filter { $0 != rowAxis && $0 != last }
        let batchShape = batchAxes.map { shape[$0] }
        let rowBlocks = (rows + tile - 1) / tile
        let items = shapeCount(batchShape) * rowBlocks
        let chunkCount = movementChunkCount(items: items, elements: shapeCount(shape))

        parallelFor(chunkCount) { chunk in
            var batch = -1, sourceBase = source, destinationBase = destination
            for item in chunkRange(chunk, of: chunkCount, items: items) {
                if item / rowBlocks != batch {
                    batch = item / rowBlocks
                    let index = multiIndex(of: batch, in: batchShape)
                    sourceBase = source + zip(index, batchAxes).reduce(0) { $0 + $1.0 * sourceStrides[$1.1] }
                    destinationBase = destination
                        + zip(index, batchAxes).reduce(0) { $0 + $1.0 * destinationStrides[$1.1] }
                }
                let firstRow = item % rowBlocks * tile
                let rowRange = firstRow..<min(firstRow + tile, rows)
                for firstColumn in stride(from: 0, to: columns, by: tile) {
                    let columnRange = firstColumn..<min(firstColumn + tile, columns)
                    for row in rowRange {
                        let d = destinationBase + row * rowStride, s = sourceBase + row
                        for column in columnRange { d[column] = s[column * columnStride] }
                    }
                }
            }
        }
    }
}
