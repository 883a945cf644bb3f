import NN
import TensorCore

/// The convolutional encoder: image [N, inChannels, H, W] → [N, outputChannels, H/f, W/f], where
/// outputChannels is 2·zChannels for a Gaussian posterior (mean and log-variance) or zChannels for VQ.
/// CompVis model.py `Encoder`.
public final class Encoder: Module {
    let convIn: Conv2d
    let down: [ResolutionLevel]
    let mid: MiddleBlock
    let normOut: GroupNorm
    let convOut: Conv2d

    public init(_ architecture: AutoencoderArchitecture, doubleZ: Bool, generator: inout SeededGenerator) {
        let a = architecture
        convIn = Conv2d(inChannels: a.inChannels, outChannels: a.channels, kernelSize: 3, padding: 1, generator: &generator)
        var levels: [ResolutionLevel] = []
        var resolution = a.resolution
        var blockIn = a.channels
        let inMultipliers = [1] + a.channelMultipliers
        for (level, multiplier) in a.channelMultipliers.enumerated() {
            blockIn = a.channels * inMultipliers[level]
            let blockOut = a.channels * multiplier
            var blocks: [ResnetBlock] = []
            var attentions: [AttentionBlock] = []
            for _ in 0..<a.residualBlocks {
                blocks.append(ResnetBlock(inChannels: blockIn, outChannels: blockOut, generator: &generator))
                blockIn = blockOut
                if a.attentionResolutions.contains(resolution) {
                    attentions.append(AttentionBlock(channels: blockIn, generator: &generator))
                }
            }
            var downsample: Downsample? = nil
            if level != a.channelMultipliers.count - 1 {
                downsample = Downsample(channels: blockIn, generator: &generator)
                resolution /= 2
            }
            levels.append(ResolutionLevel(block: blocks, attn: attentions, downsample: downsample))
        }
        down = levels
        mid = MiddleBlock(channels: blockIn, generator: &generator)
        normOut = autoencoderNorm(blockIn)
        convOut = Conv2d(inChannels: blockIn, outChannels: doubleZ ? 2 * a.zChannels : a.zChannels,
                         kernelSize: 3, padding: 1, generator: &generator)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = convIn(x)
        for level in down { h = level(h) }
        return convOut(mid(h), afterGroupNormSiLU: normOut)
    }
}
