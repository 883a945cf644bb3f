import NN
import TensorCore

/// One resolution level of the encoder or decoder: residual blocks (each followed by attention
/// where configured), then a Downsample (encoder) or Upsample (decoder) except at the last level run.
public final class ResolutionLevel: Module {
    let block: [ResnetBlock]
    let attn: [AttentionBlock]
    let downsample: Downsample?
    let upsample: Upsample?

    init(block: [ResnetBlock], attn: [AttentionBlock], downsample: Downsample? = nil, upsample: Upsample? = nil) {
        self.block = block
        self.attn = attn
        self.downsample = downsample
        self.upsample = upsample
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for (index, resnet) in block.enumerated() {
            h = resnet(h)
            if !attn.isEmpty { h = attn[index](h) }
        }
        if let downsample { h = downsample(h) }
        if let upsample { h = upsample(h) }
        return h
    }
}
