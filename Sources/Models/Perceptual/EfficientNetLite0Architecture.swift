/// One row of EfficientNet-Lite0's block table: `repeats` MBConv blocks with one kernel size and
/// expansion ratio, the first of which changes the channel count and applies the stride.
///
/// Tan & Le, *EfficientNet* (ICML 2019), Table 1, in the Lite form: squeeze-and-excitation removed,
/// ReLU6 for Swish, stem and head not scaled (PyPI efficientnet-lite-pytorch 0.1.0 `efficientnet_lite`,
/// whose block strings read e.g. `r2_k5_s22_e6_i24_o40`).
public struct EfficientNetStage: Equatable, Sendable {
    public let repeats: Int
    public let kernelSize: Int
    /// The first block's stride; the others have stride 1.
    public let stride: Int
    /// The hidden width of a block is its input channels times this (1: no expansion conv).
    public let expansion: Int
    public let inChannels: Int
    public let outChannels: Int
}

extension EfficientNetLite0 {
    /// Stages 1–7. Each stage's output has the stride (relative to the image) 2, 4, 8, 16, 16, 32, 32
    /// and 16, 24, 40, 80, 112, 192, 320 channels.
    public static let stages: [EfficientNetStage] = [
        EfficientNetStage(repeats: 1, kernelSize: 3, stride: 1, expansion: 1, inChannels: 32, outChannels: 16),
        EfficientNetStage(repeats: 2, kernelSize: 3, stride: 2, expansion: 6, inChannels: 16, outChannels: 24),
        EfficientNetStage(repeats: 2, kernelSize: 5, stride: 2, expansion: 6, inChannels: 24, outChannels: 40),
        EfficientNetStage(repeats: 3, kernelSize: 3, stride: 2, expansion: 6, inChannels: 40, outChannels: 80),
        EfficientNetStage(repeats: 3, kernelSize: 5, stride: 1, expansion: 6, inChannels: 80, outChannels: 112),
        EfficientNetStage(repeats: 4, kernelSize: 5, stride: 2, expansion: 6, inChannels: 112, outChannels: 192),
        EfficientNetStage(repeats: 1, kernelSize: 3, stride: 1, expansion: 6, inChannels: 192, outChannels: 320),
    ]

    /// Output channels of the stem (a 3×3 stride-2 convolution).
    public static let stemChannels = 32
    /// Output channels of the head (a 1×1 convolution before the pooling).
    public static let headChannels = 1280
    /// The batch norms' ε (TensorFlow's 1e-3, not PyTorch's default 1e-5) and PyTorch momentum
    /// (1 − TensorFlow's 0.99).
    static let batchNormEpsilon: Float = 1e-3
    static let batchNormMomentum: Float = 0.01

    /// The index in `blocks` of each stage's last block: [0, 2, 4, 7, 10, 14, 15].
    static let stageLastBlocks: [Int] = {
        var total = 0
        return stages.map { stage in
            total += stage.repeats
            return total - 1
        }
    }()
}
