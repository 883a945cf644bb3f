import Models
import TensorCore

/// Named scalar values of one training step, in the order they are logged.
public struct StepMetrics: Equatable {
    public private(set) var entries: [(name: String, value: Float)] = []

    public init() {}

    public mutating func set(_ name: String, _ value: Float) {
        if let index = entries.firstIndex(where: { $0.name == name }) { entries[index].value = value }
        else { entries.append((name, value)) }
    }

    public subscript(name: String) -> Float? { entries.first { $0.name == name }?.value }

    public static func == (a: StepMetrics, b: StepMetrics) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

/// The per-pixel reconstruction error |x − x̂| or (x − x̂)², [N, C, H, W].
func reconstructionError(_ images: Tensor, _ reconstruction: Tensor, _ kind: AutoencoderLossConfig.Reconstruction) -> Tensor {
    let difference = images - reconstruction
    switch kind {
    case .l1: return difference.abs()
    case .l2: return difference * difference
    }
}

/// The KL autoencoder's loss as CompVis's LPIPSWithDiscriminator computes it without the perceptual
/// and adversarial terms (its learned log-variance stays 0, so nll = rec): the reconstruction error
/// summed over pixels and averaged over the batch, plus kl_weight × the batch mean of KL.
/// CompVis ldm/modules/losses/contperceptual.py.
public func klAutoencoderLoss(images: Tensor, reconstruction: Tensor, posterior: DiagonalGaussian,
                              config: AutoencoderLossConfig) -> (loss: Tensor, metrics: StepMetrics) {
    let batch = Float(images.shape[0])
    let error = reconstructionError(images, reconstruction, config.reconstruction)
    let nll = error.sum() / batch
    let kl = posterior.klDivergence().sum() / batch
    let loss = nll + config.klWeight * kl
    var metrics = StepMetrics()
    metrics.set("loss", loss.scalar)
    metrics.set("rec_loss", error.mean().scalar)
    metrics.set("nll_loss", nll.scalar)
    metrics.set("kl_loss", kl.scalar)
    return (loss, metrics)
}

/// The VQ autoencoder's loss as taming's VQLPIPSWithDiscriminator without the perceptual and
/// adversarial terms: the mean reconstruction error plus codebook_weight × the quantiser's loss.
/// taming/modules/losses/vqperceptual.py.
public func vqAutoencoderLoss(images: Tensor, reconstruction: Tensor, quantization: VectorQuantizer.Output,
                              codebookSize: Int, config: AutoencoderLossConfig) -> (loss: Tensor, metrics: StepMetrics) {
    let rec = reconstructionError(images, reconstruction, config.reconstruction).mean()
    let loss = rec + config.codebookWeight * quantization.loss
    var metrics = StepMetrics()
    metrics.set("loss", loss.scalar)
    metrics.set("rec_loss", rec.scalar)
    metrics.set("quant_loss", quantization.loss.scalar)
    metrics.set("perplexity", quantization.perplexity)
    metrics.set("codebook_usage", Float(Set(quantization.indices).count) / Float(codebookSize))
    return (loss, metrics)
}
