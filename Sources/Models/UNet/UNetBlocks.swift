import NN
import TensorCore

/// Builds the UNet's blocks in CompVis's order, tracking channels, the downsample factor and the
/// channels of each skip connection. CompVis openaimodel.py `UNetModel.__init__`.
struct UNetBlockBuilder {
    let architecture: UNetArchitecture

    /// The first convolution, then per level `residualBlocks` residual blocks (each with a
    /// SpatialTransformer at attention levels) and a downsample except at the last level.
    /// Returns the blocks and the channels of each block's output, which the way up concatenates.
    func inputBlocks(generator: inout SeededGenerator) -> (blocks: [UNetBlock], skipChannels: [Int]) {
        let a = architecture
        var blocks: [UNetBlock] = [[Conv2d(inChannels: a.inChannels, outChannels: a.modelChannels, kernelSize: 3,
                                           padding: 1, generator: &generator)]]
        var skipChannels = [a.modelChannels]
        var channels = a.modelChannels
        for (level, multiplier) in a.channelMultipliers.enumerated() {
            for _ in 0..<a.residualBlocks {
                let outChannels = a.modelChannels * multiplier
                var block: UNetBlock = [residualBlock(channels, outChannels, generator: &generator)]
                channels = outChannels
                if a.attentionResolutions.contains(1 << level) {
                    block.append(transformer(channels, generator: &generator))
                }
                blocks.append(block)
                skipChannels.append(channels)
            }
            if level != a.channelMultipliers.count - 1 {
                blocks.append([UNetDownsample(channels: channels, generator: &generator)])
                skipChannels.append(channels)
            }
        }
        return (blocks, skipChannels)
    }

    /// Residual block, SpatialTransformer, residual block at the lowest resolution.
    func middleBlock(generator: inout SeededGenerator) -> UNetBlock {
        let channels = architecture.modelChannels * architecture.channelMultipliers.last!
        let first = residualBlock(channels, channels, generator: &generator)
        let attention = transformer(channels, generator: &generator)
        return [first, attention, residualBlock(channels, channels, generator: &generator)]
    }

    /// Per level from the lowest, `residualBlocks + 1` residual blocks over the features
    /// concatenated with a skip connection (each with a SpatialTransformer at attention levels), the
    /// last one followed by an upsample except at the first level.
    func outputBlocks(skipChannels: [Int], generator: inout SeededGenerator) -> [UNetBlock] {
        let a = architecture
        var skipChannels = skipChannels
        var channels = a.modelChannels * a.channelMultipliers.last!
        var blocks: [UNetBlock] = []
        for (level, multiplier) in a.channelMultipliers.enumerated().reversed() {
            for index in 0...a.residualBlocks {
                let outChannels = a.modelChannels * multiplier
                var block: UNetBlock = [residualBlock(channels + skipChannels.removeLast(), outChannels,
                                                      generator: &generator)]
                channels = outChannels
                if a.attentionResolutions.contains(1 << level) {
                    block.append(transformer(channels, generator: &generator))
                }
                if level != 0 && index == a.residualBlocks {
                    block.append(UNetUpsample(channels: channels, generator: &generator))
                }
                blocks.append(block)
            }
        }
        return blocks
    }

    private func residualBlock(_ inChannels: Int, _ outChannels: Int, generator: inout SeededGenerator) -> UNetResBlock {
        UNetResBlock(inChannels: inChannels, embeddingChannels: architecture.embeddingChannels,
                     outChannels: outChannels, useScaleShiftNorm: architecture.useScaleShiftNorm,
                     dropout: architecture.dropout, useCheckpoint: architecture.useCheckpoint, generator: &generator)
    }

    private func transformer(_ channels: Int, generator: inout SeededGenerator) -> SpatialTransformer {
        let (heads, headChannels) = architecture.attentionHeads(channels: channels)
        return SpatialTransformer(channels: channels, heads: heads, headChannels: headChannels,
                                  depth: architecture.transformerDepth,
                                  contextDimension: architecture.contextDimension,
                                  useCheckpoint: architecture.useCheckpoint, generator: &generator)
    }
}
