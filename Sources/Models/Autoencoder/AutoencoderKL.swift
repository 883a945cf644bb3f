import NN
import TensorCore

/// The KL-regularised first stage: Encoder → 1×1 `quantConv` to moments → Gaussian posterior →
/// 1×1 `postQuantConv` → Decoder. CompVis ldm/models/autoencoder.py `AutoencoderKL`.
///
/// Images [N, inChannels, H, W] in [−1, 1]; latents [N, embedDimension, H/f, W/f].
public final class AutoencoderKL: Module {
    public let architecture: AutoencoderArchitecture
    let encoder: Encoder
    let decoder: Decoder
    let quantConv: Conv2d
    let postQuantConv: Conv2d

    public init(_ architecture: AutoencoderArchitecture, generator: inout SeededGenerator) {
        self.architecture = architecture
        encoder = Encoder(architecture, doubleZ: true, generator: &generator)
        decoder = Decoder(architecture, generator: &generator)
        quantConv = Conv2d(inChannels: 2 * architecture.zChannels, outChannels: 2 * architecture.embedDimension,
                           kernelSize: 1, generator: &generator)
        postQuantConv = Conv2d(inChannels: architecture.embedDimension, outChannels: architecture.zChannels,
                               kernelSize: 1, generator: &generator)
        super.init()
    }

    /// The posterior q(z|x) of a batch of images.
    public func encode(_ images: Tensor) -> DiagonalGaussian {
        DiagonalGaussian(moments: quantConv(encoder(images)))
    }

    /// Images from latents.
    public func decode(_ latents: Tensor) -> Tensor { decoder(postQuantConv(latents)) }

    /// Reconstructions and the posterior; the latent is sampled from the posterior (training) or
    /// its mean (`samplePosterior == false`).
    public func callAsFunction(_ images: Tensor, samplePosterior: Bool, generator: inout SeededGenerator)
        -> (reconstruction: Tensor, posterior: DiagonalGaussian) {
        let posterior = encode(images)
        let z = samplePosterior ? posterior.sample(using: &generator) : posterior.mean
        return (decode(z), posterior)
    }

    /// The decoder's last conv weight (for the adaptive GAN weight).
    public var lastLayerWeight: Tensor { decoder.lastLayerWeight }
}
