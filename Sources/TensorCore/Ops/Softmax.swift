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
                    for block in outerRange {
                        let px = input.baseAddress! + block * length * inner, po = out.baseAddress! + block * length * inner
                        guard length > 0 else { continue }
                        if inner == 1 {
                            po.update(from: px, count: length)
                            if logarithmic { logSoftmaxRowInPlace(po, count: length) } else { softmaxRowInPlace(po, count: length) }
                            continue
                        }
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * inner) { scratch in
                            let maximum = scratch.baseAddress!, total = maximum + inner
                            maximum.update(from: px, count: inner)
                            for j in 1..<length {
                                for k in 0..<inner { maximum[k] = Swift.max(maximum[k], px[j * inner + k]) }
                            }
                            for k in 0..<inner where maximum[k] == -.infinity { maximum[k] = 0 }
                            total.initialize(repeating: 0, count: inner)
                            for j in 0..<length {
                                for k in 0..<inner {
                                    let e = Float.exp(px[j * inner + k] - maximum[k])
                                    po[j * inner + k] = e
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
                                    po[i] = logarithmic ? px[i] - total[k] : po[i] * total[k]
                                }
                            }
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
                            withUnsafeTemporaryAllocation(of: Float.self, capacity: inner) { scratch in
                                let total = scratch.baseAddress!
                                total.initialize(repeating: 0, count: inner)
                                for j in 0..<length {
                                    for k in 0..<inner {
                                        let i = j * inner + k
                                        total[k] = Relaxed.sum(total[k], logarithmic ? pg[i] : pg[i] * py[i])
                                    }
                                }
                                for j in 0..<length {
                                    for k in 0..<inner {
                                        let i = j * inner + k
                                        pdx[i] = logarithmic ? pg[i] - Float.exp(py[i]) * total[k] : py[i] * (pg[i] - total[k])
                                    }
                                }
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
    var maximum = -Float.infinity
    for i in 0..<count { maximum = max(maximum, p[i]) }
    if maximum == -.infinity { maximum = 0 }
    var total: Float = 0
    for i in 0..<count {
        let e = Float.exp(p[i] - maximum)
        p[i] = e
        total = Relaxed.sum(total, e)
    }
    let scale = total > 0 ? 1 / total : 0
    for i in 0..<count { p[i] *= scale }
}

/// Replaces `count` contiguous values by their log-softmax.
@inline(__always)
func logSoftmaxRowInPlace(_ p: UnsafeMutablePointer<Float>, count: Int) {
    var maximum = -Float.infinity
    for i in 0..<count { maximum = max(maximum, p[i]) }
    if maximum == -.infinity { maximum = 0 }
    var total: Float = 0
    for i in 0..<count { total = Relaxed.sum(total, Float.exp(p[i] - maximum)) }
    let shift = maximum + Float.log(total)
    for i in 0..<count { p[i] -= shift }
}
