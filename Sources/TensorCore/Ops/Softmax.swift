import RealModule

/// Softmax and log-softmax along one axis, computed stably (the maximum along the axis is
/// subtracted before exponentiating). Values along the axis are contiguous for the last axis (the
/// fast path, one row at a time); other axes are processed as [length, inner] blocks with the
/// inner positions side by side.
extension Tensor {
    /// exp(x − max) / Σ exp(x − max) along `axis` (negative counts from the end). A slice holding
    /// only −∞ gives zeros (PyTorch gives NaN), so fully masked attention rows stay finite.
    public func softmax(alongAxis axis: Int = -1) -> Tensor {
        let layout = AxisLayout(shape: shape, axis: normalizedAxis(axis, rank: rank))
        let y = Tensor.softmaxForward(self, layout: layout, logarithmic: false)
        return y.recorded("softmax", inputs: [self]) { g, _ in
            [Tensor.softmaxBackward(g, y, layout: layout, logarithmic: false)]
        }
    }

    /// x − max − log Σ exp(x − max) along `axis` (negative counts from the end).
    public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
        let layout = AxisLayout(shape: shape, axis: normalizedAxis(axis, rank: rank))
        let y = Tensor.softmaxForward(self, layout: layout, logarithmic: true)
        return y.recorded("logSoftmax", inputs: [self]) { g, _ in
            [Tensor.softmaxBackward(g, y, layout: layout, logarithmic: true)]
        }
    }

    /// The (log-)softmax of `x` along the layout's axis, without a graph.
    private static func softmaxForward(_ x: Tensor, layout: AxisLayout, logarithmic: Bool) -> Tensor {
        let (length, inner) = (layout.length, layout.inner)
        let chunks = WorkChunks(items: layout.outer, elementsPerItem: length * inner)
        return Tensor(shape: x.shape) { out in
            x.withUnsafeScalars { input in
                chunks.run { outerRange in
                    for block in outerRange where length > 0 {
                        let start = block * length * inner
                        let px = input.baseAddress! + start, po = out.baseAddress! + start
                        if inner > 1 {
                            softmaxColumns(px, po, length: length, inner: inner, logarithmic: logarithmic)
                        } else {
                            po.update(from: px, count: length)
                            if logarithmic { logSoftmaxRowInPlace(po, count: length) } else { softmaxRowInPlace(po, count: length) }
                        }
                    }
                }
            }
        }
    }

    /// The cotangent of the (log-)softmax input from the output `y` and its cotangent `g`:
    /// softmax: dx = y·(g − Σ g·y); log-softmax: dx = g − exp(y)·Σ g (sums along the axis).
    private static func softmaxBackward(_ g: Tensor, _ y: Tensor, layout: AxisLayout, logarithmic: Bool) -> Tensor {
        let (length, inner) = (layout.length, layout.inner)
        let chunks = WorkChunks(items: layout.outer, elementsPerItem: length * inner)
        return Tensor(shape: y.shape) { out in
            g.withUnsafeScalars { gs in
                y.withUnsafeScalars { ys in
                    chunks.run { outerRange in
                        for block in outerRange {
                            let start = block * length * inner
                            let pg = gs.baseAddress! + start, py = ys.baseAddress! + start, pdx = out.baseAddress! + start
                            if inner > 1 {
                                softmaxColumnsBackward(pg, py, pdx, length: length, inner: inner, logarithmic: logarithmic)
                            } else {
                                softmaxRowBackward(pg, py, pdx, count: length, logarithmic: logarithmic)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A tensor seen as [outer, length, inner] around one axis of extent `length`.
private struct AxisLayout {
    let outer: Int, length: Int, inner: Int

    init(shape: [Int], axis: Int) {
        outer = shapeCount(Array(shape[..<axis]))
        length = shape[axis]
        inner = shapeCount(Array(shape[(axis + 1)...]))
    }
}

/// Replaces `count` contiguous values by their softmax. A row of only −∞ becomes zeros.
@inline(__always)
func softmaxRowInPlace(_ p: UnsafeMutablePointer<Float>, count: Int) {
    var maximum = maximumOf(p, count: count)
    if maximum == -.infinity { maximum = 0 }
    var total: Float = 0
    for i in 0..<count {
        let e = vectorizableExp(p[i] - maximum)
        p[i] = e
        total = Relaxed.sum(total, e)
    }
    let scale = total > 0 ? 1 / total : 0
    for i in 0..<count { p[i] *= scale }
}

/// Replaces `count` contiguous values by their log-softmax.
@inline(__always)
func logSoftmaxRowInPlace(_ p: UnsafeMutablePointer<Float>, count: Int) {
    var maximum = maximumOf(p, count: count)
    if maximum == -.infinity { maximum = 0 }
    var total: Float = 0
    for i in 0..<count { total = Relaxed.sum(total, vectorizableExp(p[i] - maximum)) }
    let shift = maximum + Float.log(total)
    for i in 0..<count { p[i] -= shift }
}

/// Writes the cotangent of a contiguous row of (log-)softmax inputs to `dx`, from the outputs `y`
/// and their cotangents `g` (see `softmaxBackward`).
@inline(__always)
private func softmaxRowBackward(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                count: Int, logarithmic: Bool) {
    var total: Float = 0
    if logarithmic {
        for i in 0..<count { total = Relaxed.sum(total, g[i]) }
        for i in 0..<count { dx[i] = g[i] - vectorizableExp(y[i]) * total }
    } else {
        for i in 0..<count { total = Relaxed.multiplyAdd(g[i], y[i], total) }
        for i in 0..<count { dx[i] = y[i] * (g[i] - total) }
    }
}

/// The (log-)softmax of a [length, inner] block along its first axis, written to `y`: the inner
/// positions are processed side by side, so every loop runs over contiguous memory.
private func softmaxColumns(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                            length: Int, inner: Int, logarithmic: Bool) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * inner) { scratch in
        let maximum = scratch.baseAddress!, total = maximum + inner
        maximum.update(from: x, count: inner)
        for j in 1..<length {
            for k in 0..<inner { maximum[k] = max(maximum[k], x[j * inner + k]) }
        }
        for k in 0..<inner where maximum[k] == -.infinity { maximum[k] = 0 }
        total.initialize(repeating: 0, count: inner)
        for j in 0..<length {
            for k in 0..<inner {
                let e = vectorizableExp(x[j * inner + k] - maximum[k])
                y[j * inner + k] = e
                total[k] += e
            }
        }
        for k in 0..<inner {
            // softmax multiplies by 1/Σ; log-softmax subtracts max + log Σ.
            total[k] = logarithmic ? maximum[k] + Float.log(total[k]) : (total[k] > 0 ? 1 / total[k] : 0)
        }
        for j in 0..<length {
            for k in 0..<inner {
                let i = j * inner + k
                y[i] = logarithmic ? x[i] - total[k] : y[i] * total[k]
            }
        }
    }
}

/// The cotangent of a [length, inner] block of (log-)softmax inputs along its first axis
/// (see `softmaxBackward`).
private func softmaxColumnsBackward(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                    length: Int, inner: Int, logarithmic: Bool) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: inner) { scratch in
        let total = scratch.baseAddress!
        total.initialize(repeating: 0, count: inner)
        for j in 0..<length {
            for k in 0..<inner {
                let i = j * inner + k
                total[k] += logarithmic ? g[i] : g[i] * y[i]
            }
        }
        for j in 0..<length {
            for k in 0..<inner {
                let i = j * inner + k
                dx[i] = logarithmic ? g[i] - vectorizableExp(y[i]) * total[k] : y[i] * (g[i] - total[k])
            }
        }
    }
}

/// The largest of `count` values (−∞ for none; NaNs are skipped), eight lanes at a time: a scalar
/// running maximum is one long dependency chain that the compiler does not vectorise (7× slower).
@inline(__always)
func maximumOf(_ p: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD8<Float>(repeating: -.infinity)
    var i = 0
    while i + 8 <= count {
        let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
        lanes.replace(with: v, where: v .> lanes)
        i += 8
    }
    var maximum = -Float.infinity
    for lane in 0..<8 where lanes[lane] > maximum { maximum = lanes[lane] }
    for k in i..<count where p[k] > maximum { maximum = p[k] }
    return maximum
}
