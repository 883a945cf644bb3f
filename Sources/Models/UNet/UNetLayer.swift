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
        guard dropout.isActive else { return x }
        precondition(dropoutGenerator != nil, "UNet: dropout \(dropout.probability) in training mode needs a "
                     + "dropout generator (call the model with `dropoutGenerator:`)")
        return dropout(x, using: &dropoutGenerator!)
    }
}

/// `forward(x, &conditioning)`, under activation checkpointing when `enabled` and gradients are being
/// recorded (CompVis `use_checkpoint`): the layer's activations are not kept but recomputed in the
/// backward pass (`checkpointed`), trading about one more forward pass for the memory.
///
/// The recomputation replays the dropout generator from the state it had before the layer, so it draws
/// the same masks; the conditioning's generator leaves in the state one pass leaves it in.
func checkpointedLayer(_ layer: Module, enabled: Bool, _ x: Tensor, _ conditioning: inout UNetConditioning,
                       _ forward: @escaping (Tensor, inout UNetConditioning) -> Tensor) -> Tensor {
    guard enabled, GradientMode.isRecording else { return forward(x, &conditioning) }
    let start = conditioning.dropoutGenerator
    let end = GeneratorAfterLayer()
    let inputs = [x, conditioning.embedding] + (conditioning.context.map { [$0] } ?? [])
    let parameters = layer.namedParameters().map(\.parameter.wrappedValue)
    let output = checkpointed(inputs, parameters: parameters) { inputs in
        var replay = UNetConditioning(embedding: inputs[1], context: inputs.count > 2 ? inputs[2] : nil,
                                      dropoutGenerator: start)
        let y = forward(inputs[0], &replay)
        end.generator = replay.dropoutGenerator
        return y
    }
    conditioning.dropoutGenerator = end.generator
    return output
}

/// Where a checkpointed layer's pass leaves the dropout generator.
private final class GeneratorAfterLayer {
    var generator: SeededGenerator?
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
