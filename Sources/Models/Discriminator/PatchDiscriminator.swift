import NN
import TensorCore

/// The patch-GAN discriminator of the first-stage loss: pix2pix's PatchGAN as taming-transformers'
/// NLayerDiscriminator builds it (taming/modules/discriminator/model.py), scoring overlapping patches
/// of an image as real or reconstructed.
///
/// 4×4 convolutions with padding 1: one of stride 2 with bias and no norm, `depth − 1` more of stride 2
/// and one of stride 1, each without bias and with batch norm, the widths width·min(2ⁱ, 8), all
/// followed by LeakyReLU(0.2); then a 4×4 stride-1 convolution to one logit per patch.
/// [N, C, H, W] → [N, 1, H/2^depth − 2, W/2^depth − 2] (64² → 6², 32² → 2²).
///
/// Initialised as taming's `weights_init`: convolution weights N(0, 0.02), batch-norm scales
/// N(1, 0.02) and shifts 0 (the two biases keep PyTorch's default).
public final class PatchDiscriminator: Module {
    let layers: [PatchDiscriminatorLayer]
    let head: Conv2d

    public init(inChannels: Int, width: Int = 64, depth: Int = 3, generator: inout SeededGenerator) {
        precondition(inChannels > 0 && width > 0 && depth >= 1,
                     "PatchDiscriminator: needs channels, width and depth ≥ 1, got \(inChannels), \(width), \(depth)")
        var layers = [PatchDiscriminatorLayer(inChannels: inChannels, outChannels: width, stride: 2, normalized: false,
                                              generator: &generator)]
        var channels = width
        for level in 1...depth {
            let next = width * min(1 << level, 8)
            layers.append(PatchDiscriminatorLayer(inChannels: channels, outChannels: next, stride: level < depth ? 2 : 1,
                                                  normalized: true, generator: &generator))
            channels = next
        }
        self.layers = layers
        head = Conv2d(inChannels: channels, outChannels: 1, kernelSize: 4, padding: 1, generator: &generator)
        head.weight = Tensor.randomNormal(head.weight.shape, standardDeviation: 0.02, using: &generator)
        super.init()
    }

    /// Patch logits [N, 1, h, w] of images [N, C, H, W].
    public func callAsFunction(_ images: Tensor) -> Tensor {
        head(layers.reduce(images) { x, layer in layer(x) })
    }
}

/// One 4×4 convolution of the discriminator, with batch norm when `norm` is present, then LeakyReLU(0.2).
final class PatchDiscriminatorLayer: Module {
    let conv: Conv2d
    let norm: PatchBatchNorm?

    init(inChannels: Int, outChannels: Int, stride: Int, normalized: Bool, generator: inout SeededGenerator) {
        conv = Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 4, stride: stride, padding: 1,
                      bias: !normalized, generator: &generator)
        conv.weight = Tensor.randomNormal(conv.weight.shape, standardDeviation: 0.02, using: &generator)
        norm = normalized ? PatchBatchNorm(channels: outChannels, generator: &generator) : nil
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let y = conv(x)
        return (norm.map { $0(y) } ?? y).leakyRelu(slope: 0.2)
    }
}

/// Batch norm that always normalises with the statistics of the batch it is given.
///
/// The reference's discriminator runs in training mode throughout (its running statistics are kept
/// but never read), so this one keeps none: calls change no state, and the shards of a batch can run
/// it side by side. Each call is normalised on its own, as in the reference, where real and
/// reconstructed images pass through the discriminator separately.
final class PatchBatchNorm: Module {
    @Parameter var weight: Tensor
    @Parameter var bias: Tensor

    init(channels: Int, generator: inout SeededGenerator) {
        weight = Tensor.randomNormal([channels], mean: 1, standardDeviation: 0.02, using: &generator)
        bias = Tensor.zeros([channels])
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let channels = weight.shape
        return batchNorm(x, weight: weight, bias: bias, runningMean: Tensor.zeros(channels),
                         runningVariance: Tensor.ones(channels), training: true, momentum: 0, epsilon: 1e-5).output
    }
}
