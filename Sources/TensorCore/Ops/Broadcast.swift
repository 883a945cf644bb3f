/// NumPy/PyTorch broadcasting: shapes are aligned at their last axis; each pair of extents must be
/// equal or one of them 1.
public func broadcastShape(_ a: [Int], _ b: [Int], function: String = #function) -> [Int] {
    let rank = max(a.count, b.count)
    let pa = [Int](repeating: 1, count: rank - a.count) + a
    let pb = [Int](repeating: 1, count: rank - b.count) + b
    return (0..<rank).map { axis in
        let x = pa[axis], y = pb[axis]
        precondition(x == y || x == 1 || y == 1, "\(function): shapes \(a) and \(b) do not broadcast")
        return x == 1 ? y : x
    }
}

/// Strides that read an array of `shape` as if it had the (larger) `target` shape: 0 on broadcast axes.
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
    let strides = contiguousStrides(padded)
    return (0..<target.count).map { padded[$0] == 1 && target[$0] != 1 ? 0 : strides[$0] }
}

/// Visits the elements of `shape` in row-major order, calling `body(offsets, innerCount, innerStrides)`
/// once per run of the innermost axis, with the starting offset of each operand.
///
/// Each operand is described by its strides over `shape` (0 where it is broadcast). The innermost
/// loop is left to `body` so that it can be a tight pointer loop.
@inline(__always)
func forEachInnerRun(shape: [Int], strides: [[Int]],
                     _ body: (_ offsets: [Int], _ innerCount: Int, _ innerStrides: [Int]) -> Void) {
    let rank = shape.count
    if rank == 0 {
        body([Int](repeating: 0, count: strides.count), 1, [Int](repeating: 0, count: strides.count))
        return
    }
    if shapeCount(shape) == 0 { return }
    let inner = shape[rank - 1]
    let innerStrides = strides.map { $0[rank - 1] }
    var index = [Int](repeating: 0, count: rank - 1)
    var offsets = [Int](repeating: 0, count: strides.count)
    let outerCount = shapeCount(Array(shape.dropLast()))
    for _ in 0..<outerCount {
        body(offsets, inner, innerStrides)
        // Advance the multi-index over the outer axes, updating each operand's offset.
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            for k in 0..<offsets.count { offsets[k] += strides[k][axis] }
            if index[axis] < shape[axis] { break }
            for k in 0..<offsets.count { offsets[k] -= strides[k][axis] * shape[axis] }
            index[axis] = 0
            axis -= 1
        }
    }
}

/// Merges adjacent axes that are contiguous for every operand, so that broadcasting a bias over
/// [N, C, H, W] becomes a loop over [N, C, H·W].
func coalescedAxes(shape: [Int], strides: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
    guard !shape.isEmpty else { return (shape, strides) }
    var newShape = [shape[0]]
    var newStrides = strides.map { [$0[0]] }
    for axis in 1..<shape.count {
        let mergeable = strides.allSatisfy { s in s[axis - 1] == s[axis] * shape[axis] }
        if mergeable {
            newShape[newShape.count - 1] *= shape[axis]
            for k in 0..<strides.count { newStrides[k][newStrides[k].count - 1] = strides[k][axis] }
        } else {
            newShape.append(shape[axis])
            for k in 0..<strides.count { newStrides[k].append(strides[k][axis]) }
        }
    }
    return (newShape, newStrides)
}

extension Tensor {
    /// Applies `f` elementwise to `a` and `b` broadcast together, into a new tensor.
    /// The kernel behind every binary op; `f` is inlined into tight loops for the common layouts.
    @inline(__always)
    static func broadcastMap(_ a: Tensor, _ b: Tensor, function: String = #function,
                             _ f: (Float, Float) -> Float) -> Tensor {
        let outShape = a.shape == b.shape ? a.shape : broadcastShape(a.shape, b.shape, function: function)
        return Tensor(shape: outShape) { out in
            a.withUnsafeScalars { pa in
                b.withUnsafeScalars { pb in
                    let o = out.baseAddress!, x = pa.baseAddress!, y = pb.baseAddress!
                    if a.shape == b.shape {
                        for i in 0..<out.count { o[i] = f(x[i], y[i]) }
                        return
                    }
                    if b.count == 1 {
                        let s = y[0]
                        for i in 0..<out.count { o[i] = f(x[i], s) }
                        return
                    }
                    if a.count == 1 {
                        let s = x[0]
                        for i in 0..<out.count { o[i] = f(s, y[i]) }
                        return
                    }
                    let (shape, strides) = coalescedAxes(
                        shape: outShape,
                        strides: [contiguousStrides(outShape), broadcastStrides(a.shape, to: outShape),
                                  broadcastStrides(b.shape, to: outShape)])
                    forEachInnerRun(shape: shape, strides: strides) { offsets, n, s in
                        let po = o + offsets[0], px = x + offsets[1], py = y + offsets[2]
                        switch (s[1], s[2]) {
                        case (1, 1): for i in 0..<n { po[i] = f(px[i], py[i]) }
                        case (1, 0): let v = py[0]; for i in 0..<n { po[i] = f(px[i], v) }
                        case (0, 1): let v = px[0]; for i in 0..<n { po[i] = f(v, py[i]) }
                        default: for i in 0..<n { po[i] = f(px[i * s[1]], py[i * s[2]]) }
                        }
                    }
                }
            }
        }
    }

    /// Applies `f` to every element, into a new tensor.
    @inline(__always)
    func map(_ f: (Float) -> Float) -> Tensor {
        Tensor(shape: shape) { out in
            withUnsafeScalars { x in
                let o = out.baseAddress!, p = x.baseAddress!
                for i in 0..<x.count { o[i] = f(p[i]) }
            }
        }
    }
}
