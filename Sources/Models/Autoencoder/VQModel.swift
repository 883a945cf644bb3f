import NN
import TensorCore

/// The vector-quantised first stage: Encoder → 1×1 `quantConv` → VectorQuantizer → 1×1
/// `postQuantConv` → Decoder. CompVis ldm/models/autoencoder.py `VQModel`.
///
/// A latent diffusion model on a VQ first stage trains on the pre-quantisation latents
/// (`encodeContinuous`), and decoding quantises them first (`decode(_:quantizing: true)`), as CompVis does.
public final class VQModel: Module {
    public let architecture: AutoencoderArchitecture
    let encoder: Encoder
    let decoder: Decoder
    let quantize: VectorQuantizer
    let quantConv: Conv2d
    let postQuantConv: Conv2d

    public init(_ architecture: AutoencoderArchitecture, codes: Int, beta: Float = 0.25, legacy: Bool = true,
                generator: inout SeededGenerator) {
        self.architecture = architecture
        encoder = Encoder(architecture, doubleZ: false, generator: &generator)
        decoder = Decoder(architecture, generator: &generator)
        quantize = VectorQuantizer(codes: codes, dimension: architecture.embedDimension, beta: beta, legacy: legacy,
                                   generator: &generator)
        quantConv = Conv2d(inChannels: architecture.zChannels, outChannels: architecture.embedDimension,
                           kernelSize: 1, generator: &generator)
        postQuantConv = Conv2d(inChannels: architecture.embedDimension, outChannels: architecture.zChannels,
                               kernelSize: 1, generator: &generator)
        super.init()
    }

    /// The latents before quantisation. [N, embedDimension, H/f, W/f]
    public func encodeContinuous(_ images: Tensor) -> Tensor { quantConv(encoder(images)) }

    /// Images from latents, quantising them first unless they already are.
    public func decode(_ latents: Tensor, quantizing: Bool = true) -> Tensor {
        let z = quantizing ? quantize(latents).quantized : latents
        return decoder(postQuantConv(z))
    }

    public func callAsFunction(_ images: Tensor) -> (reconstruction: Tensor, quantization: VectorQuantizer.Output) {
        let quantization = quantize(encodeContinuous(images))
        return (decoder(postQuantConv(quantization.quantized)), quantization)
    }

    /// The number of codebook entries.
    public var codebookSize: Int { quantize.embedding.weight.shape[0] }

    /// The decoder's last conv weight (for the adaptive GAN weight).
    public var lastLayerWeight: Tensor { decoder.lastLayerWeight }
}
