import RealModule

/// A depthwise convolution (groups == input channels == output channels) computed directly in the
/// channels-last layout, instead of by im2col and one GEMM per group.
///
/// x [N, C, H, W], weight [C, 1, kh, kw], bias [C] → y [N, C, Ho, Wo] with
/// y[n, c, oy, ox] = bias[c] + Σ_{i,j} weight[c, 0, i, j] · x[n, c, oy·s − top + i, ox·s − left + j]
/// (zero outside the image). Through `conv2d`'s GEMMs each group is [1, kh·kw] × [kh·kw, Ho·Wo]: far
/// too thin for BLAS, behind an im2col that moves kh·kw times the image (that way EfficientNet-Lite0's
/// depthwise layers took half its forward time on 8 images of 64×64). Here x (and dY) are transposed to [N, H, W, C]
/// (`ChannelsLast`), where every (position, tap) pair is one multiply-add over all C channels,
/// contiguous and vectorised, and the result is transposed back. Looping over NCHW rows instead
/// (one multiply-add per tap along an output row) was 1.4–8× slower on EfficientNet's 16×16 to 2×2
/// maps of 144 to 1152 channels, the more so the smaller the map, and faster only on wide maps of
/// few channels (32 channels at 112×112), where the transposes dominate. Work is spread over threads
/// in fixed chunks, so results do not depend on the thread count.
struct DepthwiseConvolution {
    let geometry: ConvGeometry

    /// Nil unless the convolution is depthwise with one output channel per input channel.
    init?(_ g: ConvGeometry) {
        guard g.groups > 1, g.groups == g.inChannels, g.outChannels == g.inChannels else { return nil }
        geometry = g
    }

    private var channels: Int { geometry.inChannels }
    private var taps: Int { geometry.kernelHeight * geometry.kernelWidth }

    /// At most this many partial sums of the weight gradient are accumulated in parallel.
    private static let maxWeightGradientParts = 8

    /// y [N, C, Ho, Wo]: per output position, the bias plus each tap's weights times the input
    /// position it reads.
    func forward(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let g = geometry, c = channels
        let input = ChannelsLast(x), weights = tapMajorWeights(weight)
        let biases = bias?.scalars ?? [Float](repeating: 0, count: c)
        let output = TensorStorage(uninitializedCount: g.batch * g.outSpatial * c)
        let rows = WorkChunks(items: g.batch * g.outHeight, elementsPerItem: g.outWidth * c * taps)
        withExtendedLifetime(output) {
            biases.withUnsafeBufferPointer { b in
                rows.run { range in
                    for row in range {
                        let (n, oy) = row.quotientAndRemainder(dividingBy: g.outHeight)
                        for ox in 0..<g.outWidth {
                            let sum = output.pointer + (row * g.outWidth + ox) * c
                            sum.update(from: b.baseAddress!, count: c)
                            forEachTap(outputRow: oy, outputColumn: ox) { tap, iy, ix in
                                let w = weights.pointer + tap * c, v = input.pointer(n, iy, ix)
                                for k in 0..<c { sum[k] = Relaxed.multiplyAdd(w[k], v[k], sum[k]) }
                            }
                        }
                    }
                }
            }
        }
        return ChannelsLast.toChannelsFirst(output, [g.batch, c, g.outHeight, g.outWidth])
    }

    /// dx [N, C, H, W] from dY [N, C, Ho, Wo]: per input position, the sum over the outputs that
    /// read it of their cotangent times the tap's weights (gathered, so positions are independent).
    func inputGradient(_ dy: Tensor, weight: Tensor) -> Tensor {
        let g = geometry, c = channels
        let cotangent = ChannelsLast(dy), weights = tapMajorWeights(weight)
        let result = TensorStorage(uninitializedCount: g.batch * g.height * g.width * c)
        let rows = WorkChunks(items: g.batch * g.height, elementsPerItem: g.width * c * taps)
        withExtendedLifetime(result) {
            rows.run { range in
                for row in range {
                    let (n, iy) = row.quotientAndRemainder(dividingBy: g.height)
                    for ix in 0..<g.width {
                        let sum = result.pointer + (row * g.width + ix) * c
                        sum.update(repeating: 0, count: c)
                        forEachReader(inputRow: iy, inputColumn: ix) { tap, oy, ox in
                            let w = weights.pointer + tap * c, d = cotangent.pointer(n, oy, ox)
                            for k in 0..<c { sum[k] = Relaxed.multiplyAdd(w[k], d[k], sum[k]) }
                        }
                    }
                }
            }
        }
        return ChannelsLast.toChannelsFirst(result, [g.batch, c, g.height, g.width])
    }

    /// dW [C, 1, kh, kw]: dW[c, 0, i, j] = Σ_{n, oy, ox} dY[n, c, oy, ox] · x[n, c, oy·s − top + i, ox·s − left + j].
    /// The output rows (n, oy) are split into fixed parts, each summed on its own, and the parts
    /// added in order.
    func weightGradient(_ dy: Tensor, input x: Tensor) -> Tensor {
        let g = geometry, c = channels, size = taps * c
        let input = ChannelsLast(x), cotangent = ChannelsLast(dy)
        let rows = g.batch * g.outHeight
        let parts = max(1, min(rows, Self.maxWeightGradientParts))
        let partials = TensorStorage(uninitializedCount: parts * size)
        withExtendedLifetime(partials) {
            parallelFor(parts) { part in
                let sums = partials.pointer + part * size
                sums.update(repeating: 0, count: size)
                for row in (part * rows / parts)..<((part + 1) * rows / parts) {
                    let (n, oy) = row.quotientAndRemainder(dividingBy: g.outHeight)
                    for ox in 0..<g.outWidth {
                        let d = cotangent.pointer(n, oy, ox)
                        forEachTap(outputRow: oy, outputColumn: ox) { tap, iy, ix in
                            let sum = sums + tap * c, v = input.pointer(n, iy, ix)
                            for k in 0..<c { sum[k] = Relaxed.multiplyAdd(d[k], v[k], sum[k]) }
                        }
                    }
                }
            }
            for part in 1..<parts {
                let partial = partials.pointer + part * size
                for k in 0..<size { partials.pointer[k] += partial[k] }
            }
        }
        // [taps, C] → [C, 1, kh, kw].
        return Tensor(shape: [c, 1, g.kernelHeight, g.kernelWidth]) { dw in
            withExtendedLifetime(partials) {
                for tap in 0..<taps {
                    for channel in 0..<c { dw[channel * taps + tap] = partials.pointer[tap * c + channel] }
                }
            }
        }
    }

    /// The weight [C, 1, kh, kw] as [kh·kw, C]: each tap's weights for all channels side by side.
    private func tapMajorWeights(_ weight: Tensor) -> TensorStorage {
        let c = channels, transposed = TensorStorage(uninitializedCount: taps * c)
        weight.withUnsafeScalars { w in
            for channel in 0..<c {
                for tap in 0..<taps { transposed.pointer[tap * c + channel] = w[channel * taps + tap] }
            }
        }
        return transposed
    }

    /// Calls `body(tap, iy, ix)` for each kernel tap (i, j), numbered i·kw + j, whose input position
    /// (oy·s − top + i, ox·s − left + j) for output (oy, ox) lies inside the image.
    @inline(__always)
    private func forEachTap(outputRow oy: Int, outputColumn ox: Int, _ body: (Int, Int, Int) -> Void) {
        let g = geometry
        for i in 0..<g.kernelHeight {
            let iy = oy * g.stride - g.padding.top + i
            guard iy >= 0 && iy < g.height else { continue }
            for j in 0..<g.kernelWidth {
                let ix = ox * g.stride - g.padding.left + j
                guard ix >= 0 && ix < g.width else { continue }
                body(i * g.kernelWidth + j, iy, ix)
            }
        }
    }

    /// Calls `body(tap, oy, ox)` for each output (oy, ox) whose tap (i, j) reads input (iy, ix):
    /// oy·s = iy + top − i and ox·s = ix + left − j.
    @inline(__always)
    private func forEachReader(inputRow iy: Int, inputColumn ix: Int, _ body: (Int, Int, Int) -> Void) {
        let g = geometry
        for i in 0..<g.kernelHeight {
            let (oy, rowRemainder) = (iy + g.padding.top - i).quotientAndRemainder(dividingBy: g.stride)
            guard rowRemainder == 0 && oy >= 0 && oy < g.outHeight else { continue }
            for j in 0..<g.kernelWidth {
                let (ox, columnRemainder) = (ix + g.padding.left - j).quotientAndRemainder(dividingBy: g.stride)
                guard columnRemainder == 0 && ox >= 0 && ox < g.outWidth else { continue }
                body(i * g.kernelWidth + j, oy, ox)
            }
        }
    }
}
