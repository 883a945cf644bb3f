import NN
import TensorCore

/// EfficientNet-Lite0 (Tan & Le, ICML 2019, in its Lite form), the ImageNet classifier whose feature
/// maps serve as the perceptual network (../shared/DATA.md: no VGG weights exist on these machines).
///
/// Stem: 3×3 stride-2 conv (32 channels) → batch norm → ReLU6; 16 MBConv blocks in the 7 stages of
/// `stages`; head: 1×1 conv to 1280 channels → batch norm → ReLU6; global average pool; linear
/// classifier. Inputs are RGB images [N, 3, H, W] scaled to [0, 1] and normalised with ImageNet's
/// mean and standard deviation (`normalizedInput(_:)`); trained at 224×224, any size works.
/// The network starts in evaluation mode (batch norm with running statistics), the only mode it is
/// meant for: dropout and drop-connect are left out. Reference: PyPI efficientnet-lite-pytorch 0.1.0
/// `EfficientNet` (model.py); its state dict loads with `load(pyTorchStateDict:)`.
public final class EfficientNetLite0: Module {
    let stem: SamePaddedConv2d
    let stemNorm: BatchNorm2d
    public let blocks: [MBConvBlock]
    let head: Conv2d
    let headNorm: BatchNorm2d
    let classifier: Linear

    /// A randomly initialised network with `classes` outputs (ImageNet: 1000).
    public init(classes: Int = 1000, generator: inout SeededGenerator) {
        stem = SamePaddedConv2d(inChannels: 3, outChannels: Self.stemChannels, kernelSize: 3, stride: 2,
                                generator: &generator)
        stemNorm = efficientNetNorm(Self.stemChannels)
        var blocks: [MBConvBlock] = []
        for stage in Self.stages {
            for index in 0..<stage.repeats {
                blocks.append(MBConvBlock(inChannels: index == 0 ? stage.inChannels : stage.outChannels,
                                          outChannels: stage.outChannels, kernelSize: stage.kernelSize,
                                          stride: index == 0 ? stage.stride : 1, expansion: stage.expansion,
                                          generator: &generator))
            }
        }
        self.blocks = blocks
        let lastChannels = Self.stages[Self.stages.count - 1].outChannels
        head = Conv2d(inChannels: lastChannels, outChannels: Self.headChannels, kernelSize: 1, bias: false,
                      generator: &generator)
        headNorm = efficientNetNorm(Self.headChannels)
        classifier = Linear(inFeatures: Self.headChannels, outFeatures: classes, generator: &generator)
        super.init()
        eval()
    }

    /// Class scores before the softmax: normalised images [N, 3, H, W] → [N, classes].
    public func logits(_ images: Tensor) -> Tensor {
        let lastStage = runBlocks(images, upToStage: Self.stages.count) { _, _ in }
        let pooled = headNorm(head(lastStage)).relu6().mean(alongAxes: [2, 3])
        return classifier(pooled)
    }

    /// The output of each stage in `stages` (1–7, any order), each the last block's output of that
    /// stage, [N, channels, H/stride, W/stride] (see `stages`); only the blocks up to the last stage
    /// asked for run. Normalised images [N, 3, H, W].
    public func features(_ images: Tensor, stages wanted: [Int]) -> [Tensor] {
        precondition(!wanted.isEmpty && wanted.allSatisfy { (1...Self.stages.count).contains($0) },
                     "EfficientNetLite0.features: stages \(wanted) must be in 1...\(Self.stages.count)")
        var outputs: [Int: Tensor] = [:]
        _ = runBlocks(images, upToStage: wanted.max()!) { stage, output in
            if wanted.contains(stage) { outputs[stage] = output }
        }
        return wanted.map { outputs[$0]! }
    }

    /// The stem and the blocks of stages 1...`lastStage`; `visit(stage, output)` sees each stage's output.
    private func runBlocks(_ images: Tensor, upToStage lastStage: Int, visit: (Int, Tensor) -> Void) -> Tensor {
        precondition(images.rank == 4 && images.shape[1] == 3,
                     "EfficientNetLite0: images of shape \(images.shape) are not [N, 3, H, W]")
        var x = stemNorm(stem(images)).relu6()
        for stage in 1...lastStage {
            let last = Self.stageLastBlocks[stage - 1]
            let first = stage == 1 ? 0 : Self.stageLastBlocks[stage - 2] + 1
            for block in blocks[first...last] { x = block(x) }
            visit(stage, x)
        }
        return x
    }

    /// ImageNet's per-channel mean and standard deviation of RGB values in [0, 1].
    public static let imageNetMean: [Float] = [0.485, 0.456, 0.406]
    public static let imageNetStandardDeviation: [Float] = [0.229, 0.224, 0.225]

    /// The network's input from images in [−1, 1] (the autoencoders' range), [N, 1 or 3, H, W] →
    /// [N, 3, H, W]: mapped to [0, 1], then ((x − mean) / std) per channel; a grey image is repeated
    /// in all three channels. Differentiable.
    public static func normalizedInput(_ images: Tensor) -> Tensor {
        precondition(images.rank == 4 && [1, 3].contains(images.shape[1]),
                     "EfficientNetLite0.normalizedInput: images of shape \(images.shape) are not [N, 1 or 3, H, W]")
        // ((x + 1)/2 − mean)/std = x·scale + shift; a one-channel image broadcasts to the three channels.
        let scale = Tensor(shape: [1, 3, 1, 1], scalars: imageNetStandardDeviation.map { 0.5 / $0 })
        let shift = Tensor(shape: [1, 3, 1, 1],
                           scalars: zip(imageNetMean, imageNetStandardDeviation).map { (0.5 - $0) / $1 })
        return images * scale + shift
    }
}
