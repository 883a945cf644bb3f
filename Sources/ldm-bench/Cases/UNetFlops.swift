import Models

/// Floating-point operations of a UNet forward pass as torch's FlopCounterMode counts them: 2 per
/// multiply-add of convolutions, linear layers and the two attention products; norms,
/// activations, resampling and embeddings are not counted. Follows the block layout of CompVis's
/// `UNetModel` (as `UNetBlockBuilder` builds it).
struct UNetFlops {
    let architecture: UNetArchitecture
    let batch: Int
    let contextTokens: Int

    /// The forward pass on inputs of height × width.
    func forward(height: Int, width: Int) -> Double {
        let a = architecture
        var flops = linear(rows: batch, a.modelChannels, a.embeddingChannels)
            + linear(rows: batch, a.embeddingChannels, a.embeddingChannels)
        var pixels = height * width
        var channels = a.modelChannels
        var skips = [channels]
        flops += conv(a.inChannels, channels, kernel: 3, pixels: pixels)
        for (level, multiplier) in a.channelMultipliers.enumerated() {
            for _ in 0..<a.residualBlocks {
                flops += residualBlock(channels, a.modelChannels * multiplier, pixels: pixels)
                channels = a.modelChannels * multiplier
                if a.attentionResolutions.contains(1 << level) { flops += transformer(channels, pixels: pixels) }
                skips.append(channels)
            }
            if level != a.channelMultipliers.count - 1 {
                pixels /= 4
                flops += conv(channels, channels, kernel: 3, pixels: pixels)
                skips.append(channels)
            }
        }
        flops += 2 * residualBlock(channels, channels, pixels: pixels) + transformer(channels, pixels: pixels)
        for (level, multiplier) in a.channelMultipliers.enumerated().reversed() {
            for index in 0...a.residualBlocks {
                flops += residualBlock(channels + skips.removeLast(), a.modelChannels * multiplier, pixels: pixels)
                channels = a.modelChannels * multiplier
                if a.attentionResolutions.contains(1 << level) { flops += transformer(channels, pixels: pixels) }
                if level != 0 && index == a.residualBlocks {
                    pixels *= 4
                    flops += conv(channels, channels, kernel: 3, pixels: pixels)
                }
            }
        }
        return flops + conv(channels, a.outChannels, kernel: 3, pixels: pixels)
    }

    /// A training step: the forward pass, and twice it backward, less the input gradients nobody
    /// needs (of the first convolution, whose input is data, and of the first time-embedding layer).
    func trainingStep(height: Int, width: Int) -> Double {
        let a = architecture
        return 3 * forward(height: height, width: width)
            - conv(a.inChannels, a.modelChannels, kernel: 3, pixels: height * width)
            - linear(rows: batch, a.modelChannels, a.embeddingChannels)
    }

    private func conv(_ inChannels: Int, _ outChannels: Int, kernel: Int, pixels: Int) -> Double {
        2 * Double(inChannels * outChannels * kernel * kernel * pixels * batch)
    }

    private func linear(rows: Int, _ inFeatures: Int, _ outFeatures: Int) -> Double {
        2 * Double(rows * inFeatures * outFeatures)
    }

    private func residualBlock(_ inChannels: Int, _ outChannels: Int, pixels: Int) -> Double {
        let embeddingOut = (architecture.useScaleShiftNorm ? 2 : 1) * outChannels
        return conv(inChannels, outChannels, kernel: 3, pixels: pixels)
            + linear(rows: batch, architecture.embeddingChannels, embeddingOut)
            + conv(outChannels, outChannels, kernel: 3, pixels: pixels)
            + (inChannels == outChannels ? 0 : conv(inChannels, outChannels, kernel: 1, pixels: pixels))
    }

    private func transformer(_ channels: Int, pixels: Int) -> Double {
        let (heads, headChannels) = architecture.attentionHeads(channels: channels)
        let inner = heads * headChannels
        let rows = batch * pixels
        let (keys, contextWidth) = architecture.contextDimension.map { (contextTokens, $0) } ?? (pixels, inner)
        let selfAttention = 4 * linear(rows: rows, inner, inner) + 4 * Double(batch * pixels * pixels * inner)
        let crossAttention = 2 * linear(rows: rows, inner, inner) + 2 * linear(rows: batch * keys, contextWidth, inner)
            + 4 * Double(batch * pixels * keys * inner)
        let feedForward = linear(rows: rows, inner, 8 * inner) + linear(rows: rows, 4 * inner, inner)
        let block = selfAttention + crossAttention + feedForward
        return conv(channels, inner, kernel: 1, pixels: pixels) + Double(architecture.transformerDepth) * block
            + conv(inner, channels, kernel: 1, pixels: pixels)
    }
}
