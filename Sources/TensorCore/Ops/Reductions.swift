/// Mean, variance and maximum over chosen axes (the sum lives in Reduce.swift).
///
/// As for `sum`, negative axes count from the end, repeated axes count once, `keepingDims` keeps the
/// reduced axes with extent 1, and reducing over no axes returns the tensor itself.
extension Tensor {
    /// The mean over `axes`: their sum divided by the number of elements summed.
    public func mean(alongAxes axes: [Int], keepingDims: Bool = false) -> Tensor {
        sum(alongAxes: axes, keepingDims: keepingDims) / Float(reducedCount(axes))
    }

    /// The mean of all elements, as a rank-0 tensor.
    public func mean() -> Tensor { mean(alongAxes: Array(0..<rank)) }

    /// The variance over `axes`: Σ(x − mean)² / (n − 1) when `unbiased`, else / n.
    ///
    /// The default is the population variance (n), which normalisation layers use; `torch.var`
    /// defaults to the unbiased one. Two passes (centre, then square) keep it accurate when the mean is
    /// large next to the spread.
    public func variance(alongAxes axes: [Int], keepingDims: Bool = false, unbiased: Bool = false) -> Tensor {
        let centered = self - mean(alongAxes: axes, keepingDims: true)
        let divisor = reducedCount(axes) - (unbiased ? 1 : 0)
        return (centered * centered).sum(alongAxes: axes, keepingDims: keepingDims) / Float(divisor)
    }

    /// The maximum over `axes`; NaN wins.
    ///
    /// The cotangent goes whole to one maximal element per reduced slice: the first in row-major order
    /// (as `torch.max(x, dim)`, whose index is that of the first maximum). `torch.amax` instead splits it
    /// evenly between tied maxima; the two agree whenever the maximum is unique.
    public func max(alongAxes axes: [Int], keepingDims: Bool = false) -> Tensor {
        let reduced = Set(axes.map { normalizedAxis($0, rank: rank) })
        for axis in reduced {
            precondition(shape[axis] > 0, "max: cannot reduce the empty axis \(axis) of shape \(shape)")
        }
        // Runs of adjacent axes are reduced one at a time, last first, each as an [outer, extent, inner]
        // view. Taking the first maximum of each run in turn yields the first in row-major order.
        var result = self
        for run in adjacentRuns(reduced.sorted()).reversed() {
            result = result.maxOverAdjacentAxes(run)
        }
        let finalShape = keepingDims ? result.shape : shape.indices.filter { !reduced.contains($0) }.map { shape[$0] }
        return result.reshaped(to: finalShape)
    }

    /// The number of elements each output of a reduction over `axes` combines.
    private func reducedCount(_ axes: [Int]) -> Int {
        Set(axes.map { normalizedAxis($0, rank: rank) }).reduce(1) { $0 * shape[$1] }
    }

    /// The maximum over the adjacent axes `run`, kept with extent 1: the primitive behind `max`.
    /// Pullback: each output's cotangent is written at the position of its (first) maximum.
    private func maxOverAdjacentAxes(_ run: Range<Int>) -> Tensor {
        let outer = shapeCount(Array(shape[..<run.lowerBound]))
        let extent = shapeCount(Array(shape[run]))
        let inner = shapeCount(Array(shape[run.upperBound...]))
        var keptShape = shape
        for axis in run { keptShape[axis] = 1 }

        var winners = [Int32](repeating: 0, count: outer * inner)
        let values = Tensor(shape: keptShape) { out in
            withUnsafeScalars { input in
                winners.withUnsafeMutableBufferPointer { w in
                    Tensor.maxKernel(input.baseAddress!, values: out.baseAddress!, winners: w.baseAddress!,
                                     outer: outer, extent: extent, inner: inner)
                }
            }
        }
        let inputShape = shape, winnerIndices = winners
        return values.recorded("max", inputs: [self]) { g, _ in
            [Tensor(shape: inputShape) { dx in
                dx.initialize(repeating: 0)
                g.withUnsafeScalars { pg in
                    for o in 0..<outer {
                        for i in 0..<inner {
                            let k = o * inner + i
                            dx[(o * extent + Int(winnerIndices[k])) * inner + i] = pg[k]
                        }
                    }
                }
            }]
        }
    }

    /// Maxima of an [outer, extent, inner] array along its middle axis into `values` [outer, inner], and
    /// the index along that axis of the first maximum into `winners`. A NaN wins and stays.
    private static func maxKernel(_ x: UnsafePointer<Float>, values: UnsafeMutablePointer<Float>,
                                  winners: UnsafeMutablePointer<Int32>, outer: Int, extent: Int, inner: Int) {
        // Whole outer rows per chunk, about `elementwiseChunkSize` input elements each.
        let rowsPerChunk = Swift.max(1, elementwiseChunkSize / Swift.max(1, extent * inner))
        parallelFor((outer + rowsPerChunk - 1) / rowsPerChunk) { chunk in
            for o in chunk * rowsPerChunk..<Swift.min(outer, (chunk + 1) * rowsPerChunk) {
                let row = x + o * extent * inner, best = values + o * inner, winner = winners + o * inner
                if inner == 1 {
                    var top = row[0], index = 0
                    for r in 1..<extent where !(row[r] <= top) {
                        top = row[r]
                        index = r
                        if top.isNaN { break }
                    }
                    best[0] = top
                    winner[0] = Int32(index)
                    continue
                }
                best.update(from: row, count: inner)
                winner.update(repeating: 0, count: inner)
                for r in 1..<extent {
                    let slice = row + r * inner
                    for i in 0..<inner where !(slice[i] <= best[i]) && !best[i].isNaN {
                        best[i] = slice[i]
                        winner[i] = Int32(r)
                    }
                }
            }
        }
    }
}

/// Sorted axes grouped into runs of consecutive ones: [0, 2, 3] → [0..<1, 2..<4].
private func adjacentRuns(_ sortedAxes: [Int]) -> [Range<Int>] {
    var runs: [Range<Int>] = []
    for axis in sortedAxes {
        if let last = runs.last, last.upperBound == axis {
            runs[runs.count - 1] = last.lowerBound..<axis + 1
        } else {
            runs.append(axis..<axis + 1)
        }
    }
    return runs
}
