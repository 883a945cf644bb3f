import NN
import TensorCore

/// Single-head spatial self-attention over all H·W positions, with 1×1 convolutions for q, k, v
/// and the output projection, added to the input.
///
/// [N, C, H, W] → [N, C, H, W]. CompVis model.py `AttnBlock` (scale C^−½).
public final class AttentionBlock: Module {
    let norm: GroupNorm
    let q: Conv2d
    let k: Conv2d
    let v: Conv2d
    let projOut: Conv2d

    public init(channels: Int, generator: inout SeededGenerator) {
        norm = autoencoderNorm(channels)
        q = Conv2d(inChannels: channels, outChannels: channels, kernelSize: 1, generator: &generator)
        k = Conv2d(inChannels: channels, outChannels: channels, kernelSize: 1, generator: &generator)
        v = Conv2d(inChannels: channels, outChannels: channels, kernelSize: 1, generator: &generator)
        projOut = Conv2d(inChannels: channels, outChannels: channels, kernelSize: 1, generator: &generator)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let normed = norm(x)
        // [N, C, H, W] → [N, H·W, C]: positions are the tokens.
        func tokens(_ t: Tensor) -> Tensor { t.reshaped(to: [n, c, h * w]).transposed() }
        let attended = scaledDotProductAttention(query: tokens(q(normed)), key: tokens(k(normed)),
                                                 value: tokens(v(normed)), heads: 1)
        return x + projOut(attended.transposed().reshaped(to: [n, c, h, w]))
    }
}
