/// Rows of an embedding table picked by index, as PyTorch's `F.embedding`.
///
/// `table` is [V, D]; the result is [indices.count, D], row r being `table[indices[r]]`. The pullback
/// scatter-adds the rows of the cotangent into a [V, D] zero tensor (repeated indices accumulate).
public func embedding(_ table: Tensor, indices: [Int]) -> Tensor {
    embedding(table, indices: indices, shape: [indices.count])
}

/// Rows of `table` [V, D] picked by `indices` laid out with `shape` (row-major): the result is
/// shape + [D], e.g. [B, T] token indices give [B, T, D].
public func embedding(_ table: Tensor, indices: [Int], shape: [Int]) -> Tensor {
    precondition(table.rank == 2, "embedding: table of shape \(table.shape) must be [count, dimension]")
    precondition(shapeCount(shape) == indices.count,
                 "embedding: index shape \(shape) does not hold \(indices.count) indices")
    let (rows, width) = (table.shape[0], table.shape[1])
    if let bad = indices.first(where: { $0 < 0 || $0 >= rows }) {
        preconditionFailure("embedding: index \(bad) out of range for a table of shape \(table.shape)")
    }
    let output = Tensor(shape: shape + [width]) { out in
        table.withUnsafeScalars { t in
            for (row, index) in indices.enumerated() {
                (out.baseAddress! + row * width).update(from: t.baseAddress! + index * width, count: width)
            }
        }
    }
    return output.recorded("embedding", inputs: [table]) { g, _ in
        [Tensor(shape: table.shape) { dt in
            dt.initialize(repeating: 0)
            g.withUnsafeScalars { gs in
                for (row, index) in indices.enumerated() {
                    let source = gs.baseAddress! + row * width, destination = dt.baseAddress! + index * width
                    for j in 0..<width { destination[j] += source[j] }
                }
            }
        }]
    }
}
