import NN
import TensorCore

/// The convolutional decoder: [N, zChannels, h, w] → image [N, outChannels, h·f, w·f].
/// CompVis model.py `Decoder`; `up` is stored highest resolution first (as CompVis's
/// `up.insert(0, …)`) and run from the lowest.
public final class Decoder: Module {
    let convIn: Conv2d
    let mid: MiddleBlock
    let up: [ResolutionLevel]
    let normOut: GroupNorm
    let convOut: Conv2d

    public init(_ architecture: AutoencoderArchitecture, generator: inout SeededGenerator) {
        let a = architecture
        var blockIn = a.channels * a.channelMultipliers.last!
        var resolution = a.resolution / a.downsamplingFactor
        convIn = Conv2d(inChannels: a.zChannels, outChannels: blockIn, kernelSize: 3, padding: 1, generator: &generator)
        mid = MiddleBlock(channels: blockIn, generator: &generator)
        var levels: [ResolutionLevel] = []
        for level in (0..<a.channelMultipliers.count).reversed() {
            let blockOut = a.channels * a.channelMultipliers[level]
            var blocks: [ResnetBlock] = []
            var attentions: [AttentionBlock] = []
            for _ in 0...a.residualBlocks {
                blocks.append(ResnetBlock(inChannels: blockIn, outChannels: blockOut, generator: &generator))
                blockIn = blockOut
                if a.attentionResolutions.contains(resolution) {
                    attentions.append(AttentionBlock(channels: blockIn, generator: &generator))
                }
            }
            var upsample: Upsample? = nil
            if level != 0 {
                upsample = Upsample(channels: blockIn, generator: &generator)
                resolution *= 2
            }
            levels.insert(ResolutionLevel(block: blocks, attn: attentions, upsample: upsample), at: 0)
        }
        up = levels
        normOut = autoencoderNorm(blockIn)
        convOut = Conv2d(inChannels: blockIn, outChannels: a.outChannels, kernelSize: 3, padding: 1, generator: &generator)
        super.init()
    }

    public func callAsFunction(_ z: Tensor) -> Tensor {
        var h = mid(convIn(z))
        for level in up.reversed() { h = level(h) }
        return convOut(h, afterGroupNormSiLU: normOut)
    }

    /// The weight of the last layer, where the adaptive GAN weight compares gradient norms.
    public var lastLayerWeight: Tensor { convOut.weight }
}
