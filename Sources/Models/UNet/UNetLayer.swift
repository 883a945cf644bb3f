import NN
import TensorCore

/// What every layer of a UNet block may use besides the features: the time (and class) embedding,
/// the cross-attention context, and the generator of the residual blocks' dropout masks.
struct UNetConditioning {
    /// [B, embeddingChannels]
    let embedding: Tensor
    /// [B, tokens, contextDimension], or nil for self-attention only.
    let context: Tensor?
    /// Needed only by dropout in training mode.
    var dropoutGenerator: SeededGenerator?

    /// `dropout(x)`, which draws its mask from `dropoutGenerator` when it is active.
    mutating func apply(_ dropout: Dropout, to x: Tensor) -> Tensor {
        guard dropout.isTraining && dropout.probability > 0 else { return x }
        precondition(dropoutGenerator != nil, "UNet: dropout \(dropout.probability) in training mode needs a "
                     + "dropout generator (call the model with `dropoutGenerator:`)")
        return dropout(x, using: &dropoutGenerator!)
    }
}

/// A layer of a UNet block (CompVis's `TimestepEmbedSequential` members): a residual block, a
/// spatial transformer, a resampling layer or the first convolution. [B, C, H, W] → [B, C′, H′, W′].
protocol UNetLayer: Module {
    func callAsFunction(_ x: Tensor, _ conditioning: inout UNetConditioning) -> Tensor
}

/// A UNet block: its layers in order, stored as an array so that keys are numbered as CompVis's
/// (`input_blocks.1.0`, `input_blocks.1.1`).
typealias UNetBlock = [any UNetLayer]

extension Array where Element == any UNetLayer {
    /// Runs the layers in order (CompVis `TimestepEmbedSequential.forward`).
    func callAsFunction(_ x: Tensor, _ conditioning: inout UNetConditioning) -> Tensor {
        reduce(x) { h, layer in layer(h, &conditioning) }
    }
}

/// The UNet's first layer, a plain 3×3 convolution.
extension Conv2d: UNetLayer {
    func callAsFunction(_ x: Tensor, _ conditioning: inout UNetConditioning) -> Tensor { self(x) }
}
