import NN
import TensorCore

/// The middle of the encoder and decoder: ResnetBlock, AttentionBlock, ResnetBlock.
public final class MiddleBlock: Module {
    let block1: ResnetBlock
    let attn1: AttentionBlock
    let block2: ResnetBlock

    init(channels: Int, generator: inout SeededGenerator) {
        block1 = ResnetBlock(inChannels: channels, outChannels: channels, generator: &generator)
        attn1 = AttentionBlock(channels: channels, generator: &generator)
        block2 = ResnetBlock(inChannels: channels, outChannels: channels, generator: &generator)
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor { block2(attn1(block1(x))) }
}
