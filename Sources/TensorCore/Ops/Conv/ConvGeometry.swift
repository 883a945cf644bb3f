/// The sizes of one 2-D convolution, checked once and shared by its forward and backward kernels.
///
/// Input [N, Cin, H, W], weight [Cout, Cin/groups, kh, kw] (PyTorch's layout), output
/// [N, Cout, Ho, Wo] with Ho = (H + top + bottom − kh) / stride + 1 (and likewise Wo).
/// Each group is one GEMM per image: weight rows [Cout/groups, patchSize] times the group's
/// im2col columns [patchSize, Ho·Wo], where patchSize = Cin/groups · kh · kw.
struct ConvGeometry {
    let batch: Int, inChannels: Int, height: Int, width: Int
    let outChannels: Int, kernelHeight: Int, kernelWidth: Int
    let stride: Int, padding: Padding2D, groups: Int
    let outHeight: Int, outWidth: Int

    init(input: [Int], weight: [Int], bias: [Int]?, stride: Int, padding: Padding2D, groups: Int) {
        // Built only when a precondition fails.
        var shapes: String {
            "input \(input), weight \(weight)" + (bias.map { ", bias \($0)" } ?? "")
                + ", stride \(stride), \(padding), groups \(groups)"
        }
        precondition(input.count == 4 && weight.count == 4, "conv2d: input and weight must be rank 4; \(shapes)")
        precondition(stride >= 1 && groups >= 1, "conv2d: stride and groups must be positive; \(shapes)")
        (batch, inChannels, height, width) = (input[0], input[1], input[2], input[3])
        (outChannels, kernelHeight, kernelWidth) = (weight[0], weight[2], weight[3])
        precondition(inChannels % groups == 0 && outChannels % groups == 0,
                     "conv2d: groups must divide the input and output channels; \(shapes)")
        precondition(weight[1] == inChannels / groups,
                     "conv2d: weight needs Cin/groups = \(inChannels / groups) input channels; \(shapes)")
        precondition(bias == nil || bias! == [outChannels], "conv2d: bias must have shape [\(outChannels)]; \(shapes)")
        let paddedHeight = height + padding.top + padding.bottom
        let paddedWidth = width + padding.left + padding.right
        precondition(kernelHeight >= 1 && kernelWidth >= 1
                     && paddedHeight >= kernelHeight && paddedWidth >= kernelWidth,
                     "conv2d: the kernel is larger than the padded input; \(shapes)")
        self.stride = stride
        self.padding = padding
        self.groups = groups
        outHeight = (paddedHeight - kernelHeight) / stride + 1
        outWidth = (paddedWidth - kernelWidth) / stride + 1
    }

    var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }
    var inChannelsPerGroup: Int { inChannels / groups }
    var outChannelsPerGroup: Int { outChannels / groups }
    /// Elements of one input image, H·W·Cin.
    var imageCount: Int { inChannels * height * width }
    /// Output positions per channel, Ho·Wo: the GEMM's n.
    var outSpatial: Int { outHeight * outWidth }
    /// Weight elements per output channel, Cin/groups·kh·kw: the GEMM's k.
    var patchSize: Int { inChannelsPerGroup * kernelHeight * kernelWidth }
    /// Elements of one image's im2col columns, all groups: [Cin·kh·kw, Ho·Wo].
    var columnsCount: Int { groups * patchSize * outSpatial }
    /// Elements of the weight.
    var weightCount: Int { outChannels * patchSize }

    /// A 1×1 kernel with stride 1 and no padding: the image itself is the columns matrix, so the
    /// convolution is a plain GEMM with no im2col or col2im.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == .zero
    }

    /// Stride 1 and an output as wide as the input: each column row is the image shifted (Im2Col.swift).
    var keepsWidth: Bool { stride == 1 && outWidth == width }

    /// The output positions along one axis whose input position o·stride − pad + k lies inside
    /// 0..<inputSize, for kernel offset k: the rest read zero padding.
    private static func validOutputs(kernelOffset k: Int, pad: Int, inputSize: Int, outputSize: Int,
                                     stride: Int) -> Range<Int> {
        // First o with o·stride ≥ pad − k, last o with o·stride ≤ inputSize − 1 + pad − k.
        let low = pad - k, high = inputSize - 1 + pad - k
        if high < 0 { return 0..<0 }
        let first = low <= 0 ? 0 : (low + stride - 1) / stride
        let end = min(outputSize, high / stride + 1)
        return first < end ? first..<end : 0..<0
    }

    /// For each kernel row i, the output rows oy that read inside the image.
    var validOutputRows: [Range<Int>] {
        (0..<kernelHeight).map {
            Self.validOutputs(kernelOffset: $0, pad: padding.top, inputSize: height, outputSize: outHeight,
                              stride: stride)
        }
    }

    /// For each kernel column j, the output columns ox that read inside the image.
    var validOutputColumns: [Range<Int>] {
        (0..<kernelWidth).map {
            Self.validOutputs(kernelOffset: $0, pad: padding.left, inputSize: width, outputSize: outWidth,
                              stride: stride)
        }
    }
}
