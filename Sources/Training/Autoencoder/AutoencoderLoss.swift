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

    /// Adds the batch's values of the shards' metrics: each the mean over the shards weighted by their
    /// share of the `batch` samples.
    mutating func addSizeWeighted(_ shards: [(range: Range<Int>, metrics: StepMetrics)], batch: Int) {
        for (range, metrics) in shards {
            let share = Float(range.count) / Float(batch)
            for (name, value) in metrics.entries { set(name, (self[name] ?? 0) + share * value) }
        }
    }

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

/// A differentiable distance between two image batches [N, C, H, W] in [−1, 1]: one value per sample, [N]
/// (the perceptual distance of the first-stage loss).
public typealias ImageDistance = (_ images: Tensor, _ reconstructions: Tensor) -> Tensor

/// The first-stage loss of one batch without its adversarial term, which depends on the discriminator
/// and is weighted by the gradient of `nll` (see AutoencoderTrainer).
struct FirstStageLossTerms {
    /// The reconstruction term: pixel error plus the weighted perceptual distance.
    var nll: Tensor
    /// The regularizer, already weighted: kl_weight × KL, or codebook_weight × the quantiser's loss.
    var regularizer: Tensor
    var metrics: StepMetrics
}

/// The KL autoencoder's loss as CompVis's LPIPSWithDiscriminator (ldm/modules/losses/contperceptual.py),
/// whose learned log-variance stays 0 (it is not in the autoencoder's optimizer), so nll = rec: the
/// reconstruction error plus perceptual_weight × the perceptual distance, added to every pixel's error
/// as the reference broadcasts it, summed over pixels and averaged over the batch; plus kl_weight × the
/// batch mean of KL.
func klAutoencoderLoss(images: Tensor, reconstruction: Tensor, posterior: DiagonalGaussian,
                       config: AutoencoderLossConfig, perceptual: ImageDistance?) -> FirstStageLossTerms {
    let batch = Float(images.shape[0])
    let pixelsPerImage = Float(images.count) / batch
    let error = reconstructionError(images, reconstruction, config.reconstruction)
    var nll = error.sum() / batch
    var metrics = StepMetrics()
    if let perceptual, config.perceptualWeight > 0 {
        let distance = perceptual(images, reconstruction).mean()
        nll = nll + (config.perceptualWeight * pixelsPerImage) * distance
        metrics.set("p_loss", distance.scalar)
    }
    let kl = posterior.klDivergence().sum() / batch
    metrics.set("rec_loss", error.mean().scalar)
    metrics.set("nll_loss", nll.scalar)
    metrics.set("kl_loss", kl.scalar)
    return FirstStageLossTerms(nll: nll, regularizer: config.klWeight * kl, metrics: metrics)
}

/// The VQ autoencoder's loss as taming's VQLPIPSWithDiscriminator (taming/modules/losses/vqperceptual.py):
/// the mean of reconstruction error plus perceptual_weight × perceptual distance, plus codebook_weight ×
/// the quantiser's loss.
func vqAutoencoderLoss(images: Tensor, reconstruction: Tensor, quantization: VectorQuantizer.Output,
                       config: AutoencoderLossConfig, perceptual: ImageDistance?) -> FirstStageLossTerms {
    let rec = reconstructionError(images, reconstruction, config.reconstruction).mean()
    var nll = rec
    var metrics = StepMetrics()
    if let perceptual, config.perceptualWeight > 0 {
        let distance = perceptual(images, reconstruction).mean()
        nll = nll + config.perceptualWeight * distance
        metrics.set("p_loss", distance.scalar)
    }
    metrics.set("rec_loss", rec.scalar)
    metrics.set("nll_loss", nll.scalar)
    metrics.set("quant_loss", quantization.loss.scalar)
    return FirstStageLossTerms(nll: nll, regularizer: config.codebookWeight * quantization.loss, metrics: metrics)
}
