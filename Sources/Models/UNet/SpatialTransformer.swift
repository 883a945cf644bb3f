import NN
import TensorCore

/// A transformer block over tokens: pre-LayerNorm self-attention, cross-attention to the context
/// (self-attention again when the context is nil) and a GEGLU feed-forward network, each added to
/// its input. [B, N, dimension], context [B, M, contextDimension] → [B, N, dimension].
/// CompVis ldm/modules/attention.py `BasicTransformerBlock`.
public final class BasicTransformerBlock: Module {
    let attn1: CrossAttention
    let ff: FeedForward
    let attn2: CrossAttention
    let norm1: LayerNorm
    let norm2: LayerNorm
    let norm3: LayerNorm

    public init(dimension: Int, heads: Int, headChannels: Int, contextDimension: Int?, generator: inout SeededGenerator) {
        attn1 = CrossAttention(queryDimension: dimension, heads: heads, headChannels: headChannels, generator: &generator)
        ff = FeedForward(dimension: dimension, generator: &generator)
        attn2 = CrossAttention(queryDimension: dimension, contextDimension: contextDimension, heads: heads,
                               headChannels: headChannels, generator: &generator)
        norm1 = LayerNorm(features: dimension)
        norm2 = LayerNorm(features: dimension)
        norm3 = LayerNorm(features: dimension)
        super.init()
    }

    public func callAsFunction(_ x: Tensor, context: Tensor?) -> Tensor {
        var h = attn1(norm1(x)) + x
        h = attn2(norm2(h), context: context) + h
        return ff(norm3(h)) + h
    }
}

/// Attention over the H·W positions of a feature map: GroupNorm (eps 1e-6) → 1×1 `projIn` to
/// heads·headChannels → tokens → transformer blocks → 1×1 `projOut` back (initialised to zero, so
/// it starts as the identity) → plus the input.
///
/// x [B, C, H, W], context [B, M, contextDimension] or nil → [B, C, H, W].
/// CompVis ldm/modules/attention.py `SpatialTransformer` (convolutional projections).
public final class SpatialTransformer: Module, UNetLayer {
    let norm: GroupNorm
    let projIn: Conv2d
    let transformerBlocks: [BasicTransformerBlock]
    let projOut: Conv2d
    /// Recompute the layer's activations in the backward pass instead of keeping them (`use_checkpoint`).
    public let useCheckpoint: Bool

    public init(channels: Int, heads: Int, headChannels: Int, depth: Int = 1, contextDimension: Int?,
                useCheckpoint: Bool = false, generator: inout SeededGenerator) {
        let inner = heads * headChannels
        norm = GroupNorm(groups: 32, channels: channels, epsilon: 1e-6)
        projIn = Conv2d(inChannels: channels, outChannels: inner, kernelSize: 1, generator: &generator)
        transformerBlocks = (0..<depth).map { _ in
            BasicTransformerBlock(dimension: inner, heads: heads, headChannels: headChannels,
                                  contextDimension: contextDimension, generator: &generator)
        }
        projOut = zeroInitialised(Conv2d(inChannels: inner, outChannels: channels, kernelSize: 1, generator: &generator))
        self.useCheckpoint = useCheckpoint
        super.init()
    }

    public func callAsFunction(_ x: Tensor, context: Tensor?) -> Tensor {
        let (b, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let projected = projIn(norm(x))
        let inner = projected.shape[1]
        var tokens = projected.reshaped(to: [b, inner, h * w]).transposed()  // [B, H·W, inner]
        for block in transformerBlocks { tokens = block(tokens, context: context) }
        return projOut(tokens.transposed().reshaped(to: [b, inner, h, w])) + x
    }

    func callAsFunction(_ x: Tensor, _ conditioning: inout UNetConditioning) -> Tensor {
        checkpointedLayer(self, enabled: useCheckpoint, x, &conditioning) { x, conditioning in
            self(x, context: conditioning.context)
        }
    }
}
