import NN
import TensorCore

/// The UNet's residual block, conditioned on the time embedding.
///
/// h = conv(SiLU(GroupNorm(x))); then either h + Linear(SiLU(emb)) broadcast over H and W, or with
/// `useScaleShiftNorm` the embedding's two halves (scale, shift) modulating the second norm:
/// GroupNorm(h)·(1 + scale) + shift; then SiLU → dropout → 3×3 conv (initialised to zero, so the
/// block starts as its skip connection); plus x, through a 1×1 conv when the channel count changes.
/// GroupNorm32 with eps 1e-5.
///
/// x [B, Cin, H, W], emb [B, embeddingChannels] → [B, Cout, H, W]. CompVis openaimodel.py `ResBlock`
/// (without `up`/`down`; `in_layers`, `emb_layers`, `out_layers` are the Sequentials named here).
public final class UNetResBlock: Module, UNetLayer {
    let inNorm: GroupNorm
    let inConv: Conv2d
    let embProjection: Linear
    let outNorm: GroupNorm
    let dropout: Dropout
    let outConv: Conv2d
    let skipConnection: Conv2d?
    public let useScaleShiftNorm: Bool
    /// Recompute the block's activations in the backward pass instead of keeping them (`use_checkpoint`).
    public let useCheckpoint: Bool

    public init(inChannels: Int, embeddingChannels: Int, outChannels: Int, useScaleShiftNorm: Bool = false,
                dropout: Float = 0, useCheckpoint: Bool = false, generator: inout SeededGenerator) {
        inNorm = unetNorm(inChannels)
        inConv = Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 3, padding: 1, generator: &generator)
        embProjection = Linear(inFeatures: embeddingChannels, outFeatures: (useScaleShiftNorm ? 2 : 1) * outChannels,
                               generator: &generator)
        outNorm = unetNorm(outChannels)
        self.dropout = Dropout(probability: dropout)
        outConv = zeroInitialised(Conv2d(inChannels: outChannels, outChannels: outChannels, kernelSize: 3, padding: 1,
                                         generator: &generator))
        skipConnection = inChannels == outChannels ? nil
            : Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 1, generator: &generator)
        self.useScaleShiftNorm = useScaleShiftNorm
        self.useCheckpoint = useCheckpoint
        super.init()
    }

    func callAsFunction(_ x: Tensor, _ conditioning: inout UNetConditioning) -> Tensor {
        checkpointedLayer(self, enabled: useCheckpoint, x, &conditioning) { x, conditioning in
            self.forward(x, &conditioning)
        }
    }

    private func forward(_ x: Tensor, _ conditioning: inout UNetConditioning) -> Tensor {
        let h = inConv(x, afterGroupNormSiLU: inNorm)
        let embedding = embProjection(conditioning.embedding.silu())
        let perChannel = [embedding.shape[0], embedding.shape[1], 1, 1]
        let out: Tensor
        if useScaleShiftNorm {
            let halves = embedding.reshaped(to: perChannel).chunked(2, axis: 1)
            out = outConv(conditioning.apply(dropout, to: (outNorm(h) * (halves[0] + 1) + halves[1]).silu()))
        } else if dropout.isActive {
            out = outConv(conditioning.apply(dropout, to: outNorm.thenSiLU(h + embedding.reshaped(to: perChannel))))
        } else {
            out = outConv(h + embedding.reshaped(to: perChannel), afterGroupNormSiLU: outNorm)
        }
        return (skipConnection?(x) ?? x) + out
    }
}

/// GroupNorm with 32 groups and eps 1e-5, the UNet's `normalization` (GroupNorm32).
func unetNorm(_ channels: Int) -> GroupNorm {
    GroupNorm(groups: 32, channels: channels, epsilon: 1e-5)
}

/// `conv` with its weight and bias set to zero (CompVis `zero_module`).
func zeroInitialised(_ conv: Conv2d) -> Conv2d {
    conv.weight = Tensor.zeros(conv.weight.shape)
    if let bias = conv.bias { bias.wrappedValue = Tensor.zeros(bias.wrappedValue.shape) }
    return conv
}
