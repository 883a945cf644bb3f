import RealModule

/// Sum reductions over chosen axes, and the inverse of broadcasting used by every pullback.
extension Tensor {
    /// The sum over `axes` (negative axes count from the end), keeping them as extent-1 axes when
    /// `keepingDims` is true. Summing over no axes returns the tensor itself.
    public func sum(alongAxes axes: [Int], keepingDims: Bool = false) -> Tensor {
        let reduced = Set(axes.map { normalizedAxis($0, rank: rank) })
        let keptShape = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        let finalShape = keepingDims ? keptShape : shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        let result = Tensor.sumKernel(self, to: keptShape).reshaped(to: finalShape)
        let inputShape = shape
        return result.detached().recorded("sum", inputs: [self]) { g, _ in
            [g.reshaped(to: keptShape).broadcasted(to: inputShape)]
        }
    }

    /// The sum of all elements, as a rank-0 tensor.
    public func sum() -> Tensor { sum(alongAxes: Array(0..<rank)) }

    /// Sums the axes along which `shape` was broadcast to produce `self`'s shape; the inverse of
    /// broadcasting, applied to cotangents.
    public func unbroadcasted(to target: [Int]) -> Tensor {
        if target == shape { return self }
        let padded = [Int](repeating: 1, count: rank - target.count) + target
        let axes = (0..<rank).filter { padded[$0] == 1 && shape[$0] != 1 }
        return sum(alongAxes: axes, keepingDims: true).reshaped(to: target)
    }

    /// Sum of `x` (no graph) over the axes where `keptShape` has extent 1 and `x` does not.
    /// Runs of the innermost axis are summed with relaxed (vectorisable) additions.
    static func sumKernel(_ x: Tensor, to keptShape: [Int]) -> Tensor {
        let shape = x.shape
        return Tensor(shape: keptShape) { out in
            out.initialize(repeating: 0)
            x.withUnsafeScalars { input in
                guard !shape.isEmpty else { out[0] = input[0]; return }
                let (runShape, strides) = coalescedAxes(
                    shape: shape, strides: [contiguousStrides(shape), broadcastStrides(keptShape, to: shape)])
                let o = out.baseAddress!, p = input.baseAddress!
                forEachInnerRun(shape: runShape, strides: strides) { offsets, n, s in
                    let px = p + offsets[0], po = o + offsets[1]
                    if s[1] == 0 {
                        var total: Float = 0
                        for i in 0..<n { total = Relaxed.sum(total, px[i]) }
                        po[0] += total
                    } else {
                        for i in 0..<n { po[i * s[1]] += px[i] }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// The same elements viewed with another shape of the same count; −1 stands for the one extent
    /// inferred from the others.
    public func reshaped(to newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "reshaped: cannot reshape \(shape) to \(newShape)")
            resolved[inferred] = count / known
        }
        precondition(shapeCount(resolved) == count, "reshaped: cannot reshape \(shape) to \(newShape)")
        if resolved == shape { return self }
        let source = self
        return Tensor(shape: resolved, storage: storage)
            .recorded("reshape", inputs: [source]) { g, _ in [g.reshaped(to: source.shape)] }
    }
}
