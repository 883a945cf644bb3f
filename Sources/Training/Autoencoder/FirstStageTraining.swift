import Models
import TensorCore

extension FirstStage {
    /// Builds the first stage a configuration describes, with weights drawn from `generator`.
    public static func build(_ config: AutoencoderModelConfig, generator: inout SeededGenerator) -> FirstStage {
        switch config.kind {
        case .kl: .kl(AutoencoderKL(config.architecture, generator: &generator))
        case .vq: .vq(VQModel(config.architecture, codes: config.codebookSize, beta: config.beta,
                              legacy: config.legacy, generator: &generator))
        }
    }

    /// One training forward pass: the reconstruction of `images` (from a posterior sample for KL), the
    /// first-stage loss terms with their metrics, and, for VQ, the chosen codes.
    func trainingForward(_ images: Tensor, config: AutoencoderLossConfig, perceptual: ImageDistance?,
                         noise: inout SeededGenerator) -> (terms: FirstStageLossTerms, reconstruction: Tensor, codes: [Int]) {
        switch self {
        case .kl(let model):
            let (reconstruction, posterior) = model(images, samplePosterior: true, generator: &noise)
            let terms = klAutoencoderLoss(images: images, reconstruction: reconstruction, posterior: posterior,
                                          config: config, perceptual: perceptual)
            return (terms, reconstruction, [])
        case .vq(let model):
            let (reconstruction, quantization) = model(images)
            let terms = vqAutoencoderLoss(images: images, reconstruction: reconstruction, quantization: quantization,
                                          config: config, perceptual: perceptual)
            return (terms, reconstruction, quantization.indices)
        }
    }
}
