import NN
import TensorCore

/// The latent diffusion UNet: predicts the noise (or x₀, or v) of a noisy input at given timesteps,
/// conditioned through cross-attention on a context and optionally on class labels.
///
/// x [B, inChannels, H, W] → [B, outChannels, H, W], H and W multiples of
/// `architecture.downsamplingFactor`. Concat conditioning (e.g. a low-resolution image or a mask)
/// is the caller's: concatenate it to x along the channels and count it in `inChannels`.
/// Rombach et al. 2022; CompVis openaimodel.py `UNetModel` with `use_spatial_transformer`.
public final class UNetModel: Module {
    public let architecture: UNetArchitecture
    let timeEmbed: TimeEmbedding
    let labelEmb: Embedding?
    let inputBlocks: [UNetBlock]
    let middleBlock: UNetBlock
    let outputBlocks: [UNetBlock]
    let finalNorm: GroupNorm
    let finalConv: Conv2d

    /// A UNet with PyTorch's default initialisation, and zeros in each residual block's last
    /// convolution, each SpatialTransformer's `projOut` and the final convolution (as CompVis).
    /// - Throws: `UNetArchitectureError` naming the first invalid setting.
    public init(_ architecture: UNetArchitecture, generator: inout SeededGenerator) throws {
        try architecture.validate()
        self.architecture = architecture
        timeEmbed = TimeEmbedding(modelChannels: architecture.modelChannels, generator: &generator)
        labelEmb = architecture.numClasses.map {
            Embedding(count: $0, dimension: architecture.embeddingChannels, generator: &generator)
        }
        let builder = UNetBlockBuilder(architecture: architecture)
        let (input, skipChannels) = builder.inputBlocks(generator: &generator)
        inputBlocks = input
        middleBlock = builder.middleBlock(generator: &generator)
        outputBlocks = builder.outputBlocks(skipChannels: skipChannels, generator: &generator)
        finalNorm = unetNorm(architecture.modelChannels * architecture.channelMultipliers[0])
        finalConv = zeroInitialised(Conv2d(inChannels: architecture.modelChannels * architecture.channelMultipliers[0],
                                           outChannels: architecture.outChannels, kernelSize: 3, padding: 1,
                                           generator: &generator))
        super.init()
    }

    /// The prediction for x at `timesteps` (one per sample). `context` [B, M, contextDimension] is
    /// required exactly when the architecture has a `contextDimension`; `classLabels` (one per
    /// sample) exactly when it has `numClasses`. For sampling, evaluation, or training without
    /// dropout: a model in training mode with dropout > 0 needs the `dropoutGenerator:` form.
    public func callAsFunction(_ x: Tensor, timesteps: [Int], context: Tensor? = nil,
                               classLabels: [Int]? = nil) -> Tensor {
        forward(x, timesteps: timesteps, context: context, classLabels: classLabels, dropoutGenerator: nil).output
    }

    /// The prediction in training mode with dropout, its masks drawn from `dropoutGenerator`.
    public func callAsFunction(_ x: Tensor, timesteps: [Int], context: Tensor? = nil, classLabels: [Int]? = nil,
                               dropoutGenerator: inout SeededGenerator) -> Tensor {
        let (output, generator) = forward(x, timesteps: timesteps, context: context, classLabels: classLabels,
                                          dropoutGenerator: dropoutGenerator)
        dropoutGenerator = generator!
        return output
    }

    private func forward(_ x: Tensor, timesteps: [Int], context: Tensor?, classLabels: [Int]?,
                         dropoutGenerator: SeededGenerator?) -> (output: Tensor, generator: SeededGenerator?) {
        checkInputs(x, timesteps: timesteps, context: context, classLabels: classLabels)
        var embedding = timeEmbed(timestepEmbedding(timesteps, dimension: architecture.modelChannels))
        if let labelEmb, let classLabels { embedding = embedding + labelEmb(classLabels) }
        var conditioning = UNetConditioning(embedding: embedding, context: context, dropoutGenerator: dropoutGenerator)
        var skips: [Tensor] = []
        var h = x
        for block in inputBlocks {
            h = block(h, &conditioning)
            skips.append(h)
        }
        h = middleBlock(h, &conditioning)
        for block in outputBlocks {
            h = block(Tensor.concatenate([h, skips.removeLast()], axis: 1), &conditioning)
        }
        return (finalConv(h, afterGroupNormSiLU: finalNorm), conditioning.dropoutGenerator)
    }

    private func checkInputs(_ x: Tensor, timesteps: [Int], context: Tensor?, classLabels: [Int]?) {
        let a = architecture
        precondition(x.rank == 4 && x.shape[1] == a.inChannels && x.shape[2] % a.downsamplingFactor == 0
                     && x.shape[3] % a.downsamplingFactor == 0,
                     "UNetModel: x of shape \(x.shape) is not [B, \(a.inChannels), H, W] with H and W "
                     + "multiples of \(a.downsamplingFactor)")
        precondition(timesteps.count == x.shape[0], "UNetModel: \(timesteps.count) timesteps for a batch of \(x.shape[0])")
        if let dimension = a.contextDimension {
            precondition(context?.rank == 3 && context?.shape[0] == x.shape[0] && context?.shape[2] == dimension,
                         "UNetModel: context of shape \(context?.shape.description ?? "nil") is not "
                         + "[\(x.shape[0]), tokens, \(dimension)]")
        } else {
            precondition(context == nil, "UNetModel: a context was given but the architecture has no context_dim")
        }
        if let classes = a.numClasses {
            precondition(classLabels?.count == x.shape[0] && classLabels!.allSatisfy { (0..<classes).contains($0) },
                         "UNetModel: class labels \(classLabels?.description ?? "nil") are not \(x.shape[0]) "
                         + "labels in 0..<\(classes)")
        } else {
            precondition(classLabels == nil, "UNetModel: class labels were given but the architecture has no num_classes")
        }
    }
}
