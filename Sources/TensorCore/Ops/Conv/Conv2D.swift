import Foundation

/// 2-D cross-correlation of NCHW images with PyTorch's `torch.nn.functional.conv2d` semantics.
///
/// x [N, Cin, H, W], weight [Cout, Cin/groups, kh, kw], bias [Cout] → [N, Cout, Ho, Wo] with
/// Ho = (H + top + bottom − kh) / stride + 1 (likewise Wo). Padding may be asymmetric (the
/// autoencoder's Downsample pads (0, 1, 0, 1)); groups == Cin is a depthwise convolution.
///
/// A convolution of one group runs on the implicit-GEMM kernels (`ImplicitGEMMConvolution`: forward,
/// stride-1 input gradient and weight gradient) where the CPU has them. Otherwise images are cut into
/// chunks whose columns sit side by side (`ConvChunks`):
/// per chunk, im2col + one GEMM per group (a lone image of a 1×1, stride-1, unpadded kernel is a GEMM
/// on the image itself), with chunks spread over threads. The pullback computes dx = col2im(Wᵀ·dY),
/// dW = Σₙ dYₙ·colsₙᵀ and db = Σ dY, each only when wanted. The weight gradient reuses the forward
/// pass's columns when the weight is differentiable and they are small, and
/// recomputes them otherwise (`ConvolutionMemory`): they are kh·kw times the size of x. A depthwise
/// convolution (groups == Cin == Cout) has kernels of its own (`DepthwiseConvolution`).
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1,
                   padding: Padding2D = .zero, groups: Int = 1) -> Tensor {
    let geometry = ConvGeometry(input: x.shape, weight: weight.shape, bias: bias?.shape,
                                stride: stride, padding: padding, groups: groups)
    if let depthwise = DepthwiseConvolution(geometry) { return depthwiseConv2d(x, weight: weight, bias: bias, depthwise) }
    let implicit = ImplicitGEMMConvolution(geometry)
    // A strided convolution still keeps its forward columns for the weight gradient while the budget
    // allows (then the im2col route, which builds them, goes first): its im2col is the slow strided
    // copy, better done once than again in the backward pass. Stride-1 columns, kh·kw times the input,
    // are cheaper to rebuild than to keep.
    let keepsColumns = GradientMode.isRecording && weight.isDifferentiable && (implicit == nil || geometry.stride > 1)
    let kept = keepsColumns
        ? ConvolutionMemory.reserve(bytes: geometry.batch * geometry.columnsCount * MemoryLayout<Float>.size) : nil
    let y = (kept == nil ? implicit : nil)?.forward(x, weight: weight, bias: bias) ?? Tensor(shape: geometry.outputShape) { out in
        let columns = conv2dForward(x, weight: weight, bias: bias, into: out.baseAddress!, keepingColumns: kept != nil,
                                    geometry)
        kept?.columns = columns
    }
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return y.recorded("conv2d", inputs: inputs) { g, wanted in
        var cotangents = [
            wanted[0] ? conv2dInputGradient(g, weight: weight, geometry) : nil,
            wanted[1] ? conv2dWeightGradient(g, input: x, columns: kept?.columns ?? [], geometry) : nil,
        ]
        if bias != nil { cotangents.append(wanted[2] ? g.sum(alongAxes: [0, 2, 3]) : nil) }
        return cotangents
    }
}

/// `conv2d` of a depthwise convolution, with its pullback.
private func depthwiseConv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, _ depthwise: DepthwiseConvolution) -> Tensor {
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return depthwise.forward(x, weight: weight, bias: bias).recorded("depthwiseConv2d", inputs: inputs) { g, wanted in
        var cotangents = [
            wanted[0] ? depthwise.inputGradient(g, weight: weight) : nil,
            wanted[1] ? depthwise.weightGradient(g, input: x) : nil,
        ]
        if bias != nil { cotangents.append(wanted[2] ? g.sum(alongAxes: [0, 2, 3]) : nil) }
        return cotangents
    }
}

/// The memory convolutions may spend to save time.
public enum ConvolutionMemory {
    /// The forward columns kept alive for weight gradients, over all convolutions of the process at
    /// once, stay under this many bytes; a convolution whose columns would exceed it recomputes them
    /// in its backward pass (saving an im2col per image costs kh·kw times the input's memory, so
    /// keeping every layer's would dominate a training step's peak memory). The first layers of a
    /// forward pass, at the highest resolution, are the ones kept. 0 always recomputes.
    public nonisolated(unsafe) static var keptColumnsLimit = 64 << 20

    /// Weights packed for the implicit-GEMM kernel or transformed for Winograd and kept for the next
    /// call while unchanged (`PackedWeightCache`), over all convolutions at once, stay under this many
    /// bytes: enough for the latent UNet's weights in both forms a training step uses (Winograd's are
    /// 16/9 of the weight), so its two shards transform each weight once between them and sampling
    /// once for all its steps; 32 MB left a third of them to be redone per shard (unet-step 5 % slower).
    /// 0 keeps none.
    public nonisolated(unsafe) static var packedWeightsLimit = 128 << 20

    /// The bytes of columns kept alive now.
    public static var keptBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return reservedBytes
    }

    private static let lock = NSLock()
    private nonisolated(unsafe) static var reservedBytes = 0

    /// A slot for `bytes` of columns when they fit in what is left of the limit, else nil.
    static func reserve(bytes: Int) -> KeptColumns? {
        lock.lock()
        defer { lock.unlock() }
        guard reservedBytes + bytes <= keptColumnsLimit else { return nil }
        reservedBytes += bytes
        return KeptColumns(bytes: bytes)
    }

    fileprivate static func release(bytes: Int) {
        lock.lock()
        reservedBytes -= bytes
        lock.unlock()
    }
}

/// One convolution's kept forward columns (one entry per chunk); its share of
/// `ConvolutionMemory.keptColumnsLimit` is given back when the graph lets go of it.
final class KeptColumns: @unchecked Sendable {
    let bytes: Int
    var columns: [TensorStorage?] = []

    init(bytes: Int) { self.bytes = bytes }

    deinit { ConvolutionMemory.release(bytes: bytes) }
}

/// Fills `y` [N, Cout, Ho, Wo], one chunk of images at a time: im2col of each image into the chunk's
/// columns, Y_g = W_g·cols_g for each group g, then (for chunks of several images) each image's rows
/// copied out of Y, with the bias added. Returns each chunk's columns when `keepingColumns` (nil for
/// a chunk that needs none), else [].
private func conv2dForward(_ x: Tensor, weight: Tensor, bias: Tensor?, into y: UnsafeMutablePointer<Float>,
                           keepingColumns: Bool, _ g: ConvGeometry) -> [TensorStorage?] {
    let biasValues = bias?.scalars
    let chunks = ConvChunks(g)
    var kept = [TensorStorage?](repeating: nil, count: keepingColumns ? chunks.count : 0)
    kept.withUnsafeMutableBufferPointer { keptSlots in
        x.withUnsafeScalars { xs in
            weight.withUnsafeScalars { ws in
                parallelFor(chunks.count) { chunk in
                    let columns = forwardChunk(xs.baseAddress!, weight: ws.baseAddress!, bias: biasValues, into: y,
                                               images: chunks.images(chunk), g)
                    if keepingColumns { keptSlots[chunk] = columns }
                }
            }
        }
    }
    return kept
}

/// One chunk of `conv2dForward`; returns the chunk's columns (nil for a lone pointwise image, which
/// is its own columns).
private func forwardChunk(_ xs: UnsafePointer<Float>, weight ws: UnsafePointer<Float>, bias biasValues: [Float]?,
                          into y: UnsafeMutablePointer<Float>, images: Range<Int>, _ g: ConvGeometry) -> TensorStorage? {
    let width = images.count * g.outSpatial
    let single = images.count == 1
    // A lone image's output rows are already laid out as Y; a pointwise lone image is its own columns.
    let product = single ? nil : TensorStorage(uninitializedCount: g.outChannels * width)
    let columns = single && g.isPointwise ? nil : TensorStorage(uninitializedCount: g.chunkColumnsCount(images: images.count))
    withExtendedLifetime(product) {
        let firstImage = xs + images.lowerBound * g.imageCount
        if let columns {
            for (j, n) in images.enumerated() {
                im2col(xs + n * g.imageCount, into: columns.pointer + j * g.outSpatial, rowStride: width, g)
            }
        }
        let output = product?.pointer ?? y + images.lowerBound * g.outChannels * g.outSpatial
        multiplyWeight(ws, columns: columns.map { UnsafePointer($0.pointer) } ?? firstImage, into: output, width: width, g)
        for (j, n) in images.enumerated() {
            let image = y + n * g.outChannels * g.outSpatial
            for channel in 0..<g.outChannels {
                let row = image + channel * g.outSpatial
                let bias = biasValues?[channel] ?? 0
                if let product {
                    let source = product.pointer + channel * width + j * g.outSpatial
                    for p in 0..<g.outSpatial { row[p] = source[p] + bias }
                } else if bias != 0 {
                    for p in 0..<g.outSpatial { row[p] += bias }
                }
            }
        }
    }
    return columns
}

/// Y_g = W_g·cols_g for every group g: W_g [Cout/groups, patchSize], cols_g [patchSize, width],
/// Y_g [Cout/groups, width], where width = images·Ho·Wo.
private func multiplyWeight(_ w: UnsafePointer<Float>, columns: UnsafePointer<Float>,
                            into y: UnsafeMutablePointer<Float>, width: Int, _ g: ConvGeometry) {
    for group in 0..<g.groups {
        gemm(w + group * g.outChannelsPerGroup * g.patchSize, columns + group * g.patchSize * width,
             y + group * g.outChannelsPerGroup * width,
             m: g.outChannelsPerGroup, n: width, k: g.patchSize)
    }
}
