// Loops shared by the elementwise ops: chunked parallel loops over one or two same-shape tensors, and
// a broadcasting map over three tensors (`where`, and the pullbacks of `maximum`/`minimum`).

/// Elements per chunk of the parallel elementwise loops (128 KB of Float): large enough that handing out a
/// chunk costs nothing next to its work, small enough to spread one activation map over all cores.
/// The split depends only on the element count, and each element is computed alone, so results are the
/// same for any thread count.
let elementwiseChunkSize = 1 << 15

/// Runs `body(range)` over `0..<count` cut into `elementwiseChunkSize` ranges, in parallel.
@inline(__always)
func forEachElementwiseChunk(_ count: Int, _ body: (Range<Int>) -> Void) {
    parallelFor((count + elementwiseChunkSize - 1) / elementwiseChunkSize) { chunk in
        let start = chunk * elementwiseChunkSize
        body(start..<Swift.min(count, start + elementwiseChunkSize))
    }
}

// The parallel loops take a kernel that runs the element loop over a range itself, rather than a
// per-element function: a per-element closure would reach the worker threads as an opaque value and
// cost an indirect call per element, while a loop written inside the caller's closure is compiled
// with its element function inlined and vectorised (2 threads were 3× slower than 1 the other way).
extension Tensor {
    /// A new tensor of `self`'s shape without a graph node, written chunk by chunk in parallel:
    /// `kernel(x, y, range)` sets `y[i]` from `x[i]` for each `i` in `range`.
    @inline(__always)
    func parallelMap(
        _ kernel: (_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>) -> Void
    ) -> Tensor {
        Tensor(shape: shape) { out in
            withUnsafeScalars { input in
                let x = input.baseAddress!, y = out.baseAddress!
                forEachElementwiseChunk(input.count) { range in kernel(x, y, range) }
            }
        }
    }

    /// A new tensor of the common shape of `a` and `b` without a graph node, written chunk by chunk in
    /// parallel: `kernel(a, b, y, range)` sets `y[i]` from `a[i]` and `b[i]` for each `i` in `range`.
    /// The loop of the unary pullbacks (cotangent and saved input or output).
    @inline(__always)
    static func parallelZipMap(
        _ a: Tensor, _ b: Tensor, function: String = #function,
        _ kernel: (_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                   _ range: Range<Int>) -> Void
    ) -> Tensor {
        precondition(a.shape == b.shape, "\(function): shapes \(a.shape) and \(b.shape) differ")
        return Tensor(shape: a.shape) { out in
            a.withUnsafeScalars { pa in
                b.withUnsafeScalars { pb in
                    let x = pa.baseAddress!, z = pb.baseAddress!, y = out.baseAddress!
                    forEachElementwiseChunk(out.count) { range in kernel(x, z, y, range) }
                }
            }
        }
    }

    /// Applies `f` elementwise to `a`, `b` and `c` broadcast together, into a new tensor without a
    /// graph node; the three-operand sibling of the binary `broadcastMap`.
    @inline(__always)
    static func broadcastMap(_ a: Tensor, _ b: Tensor, _ c: Tensor, function: String = #function,
                             _ f: (Float, Float, Float) -> Float) -> Tensor {
        let outShape = broadcastShape(broadcastShape(a.shape, b.shape, function: function), c.shape,
                                      function: function)
        return Tensor(shape: outShape) { out in
            a.withUnsafeScalars { pa in
                b.withUnsafeScalars { pb in
                    c.withUnsafeScalars { pc in
                        let o = out.baseAddress!, x = pa.baseAddress!, y = pb.baseAddress!, z = pc.baseAddress!
                        if a.shape == outShape && b.shape == outShape && c.shape == outShape {
                            for i in 0..<out.count { o[i] = f(x[i], y[i], z[i]) }
                            return
                        }
                        let (shape, strides) = coalescedAxes(
                            shape: outShape,
                            strides: [contiguousStrides(outShape), broadcastStrides(a.shape, to: outShape),
                                      broadcastStrides(b.shape, to: outShape), broadcastStrides(c.shape, to: outShape)])
                        forEachInnerRun(shape: shape, strides: strides) { offsets, n, s in
                            let po = o + offsets[0], px = x + offsets[1], py = y + offsets[2], pz = z + offsets[3]
                            if s[1] == 1 && s[2] == 1 && s[3] == 1 {
                                for i in 0..<n { po[i] = f(px[i], py[i], pz[i]) }
                            } else {
                                let sx = s[1], sy = s[2], sz = s[3]
                                for i in 0..<n { po[i] = f(px[i * sx], py[i * sy], pz[i * sz]) }
                            }
                        }
                    }
                }
            }
        }
    }
}
