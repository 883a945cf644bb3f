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

    /// One training forward pass: the reconstruction of `images` (from a posterior sample for KL) and
    /// the first-stage loss with its metrics (and, for VQ, the chosen codes).
    func trainingLoss(_ images: Tensor, config: AutoencoderLossConfig, noise: inout SeededGenerator)
        -> (loss: Tensor, reconstruction: Tensor, metrics: StepMetrics, codes: [Int]) {
        switch self {
        case .kl(let model):
            let (reconstruction, posterior) = model(images, samplePosterior: true, generator: &noise)
            let (loss, metrics) = klAutoencoderLoss(images: images, reconstruction: reconstruction,
                                                    posterior: posterior, config: config)
            return (loss, reconstruction, metrics, [])
        case .vq(let model):
            let (reconstruction, quantization) = model(images)
            let (loss, metrics) = vqAutoencoderLoss(images: images, reconstruction: reconstruction,
                                                    quantization: quantization, codebookSize: model.codebookSize,
                                                    config: config)
            return (loss, reconstruction, metrics, quantization.indices)
        }
    }
}
