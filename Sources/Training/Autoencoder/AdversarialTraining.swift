import Models
import NN
import Optimizers
import TensorCore

/// The discriminator side of the first-stage loss: the patch discriminator, its Adam optimizer, and
/// its step on each batch (taming's and CompVis's `optimizer_idx == 1`).
///
/// The discriminator trains on the reconstructions of the generator step just taken (detached),
/// where the references reconstruct the batch a second time with the updated autoencoder; this saves
/// a forward pass per step. Before `disc_start` it does not train at all (the references multiply its
/// loss by 0 and step Adam on zero gradients, which leaves the weights unchanged), so its Adam bias
/// correction starts counting at `disc_start`.
final class AdversarialTraining {
    let discriminator: PatchDiscriminator
    let optimizer: Adam
    let loss: DiscriminatorLoss
    private let parameters: [NamedParameter]

    init(config: AutoencoderLossConfig, imageChannels: Int, learningRate: Float, generator: inout SeededGenerator) {
        discriminator = PatchDiscriminator(inChannels: imageChannels, width: config.discNdf, depth: config.discNumLayers,
                                           generator: &generator)
        parameters = discriminator.namedParameters()
        optimizer = Adam(parameters: parameters, learningRate: learningRate,
                         betas: (config.discBetas[0], config.discBetas[1]))
        loss = config.discLoss
    }

    /// One discriminator update on real images and (detached) reconstructions [N, C, H, W], the batch cut
    /// into `shards` (each shard's real and reconstructed halves normalised separately, as the reference
    /// passes them separately).
    /// - Returns: d_loss (already × `factor`), and the mean patch logits of both.
    func step(images: Tensor, reconstructions: Tensor, factor: Float, learningRate: Float, shards: Int) -> StepMetrics {
        let batch = images.shape[0]
        let result = ShardedGradients(batch: batch, shards: shards, wrt: parameters.map(\.parameter.wrappedValue)) { range in
            let real = discriminator(images.sliced(axis: 0, range: range))
            let fake = discriminator(reconstructions.sliced(axis: 0, range: range))
            var logits = StepMetrics()
            logits.set("logits_real", real.mean().scalar)
            logits.set("logits_fake", fake.mean().scalar)
            return ShardLoss(loss: factor * loss(real: real, fake: fake), extra: logits)
        }
        optimizer.learningRate = learningRate
        optimizer.step(result.gradients)
        var metrics = StepMetrics()
        metrics.set("d_loss", result.loss)
        metrics.addSizeWeighted(result.shards.map { ($0.range, $0.extra) }, batch: batch)
        return metrics
    }

    /// Stores the discriminator's weights and optimizer state in the "discriminator" and
    /// "disc_optimizer" sections.
    func store(in checkpoint: inout Checkpoint) {
        checkpoint.store("discriminator", discriminator.stateDict())
        checkpoint.store("disc_optimizer", optimizer.stateTensors())
    }

    /// Restores what `store` wrote; a checkpoint without a discriminator, or with one of another shape,
    /// is a `CheckpointError` naming the file.
    func restore(from checkpoint: Checkpoint, file: String) throws {
        guard !checkpoint.section("discriminator").isEmpty else {
            throw CheckpointError.mismatchedModel(
                file: file, reason: "it holds no discriminator, but this run's config trains one (loss.disc_weight > 0)")
        }
        try checkpoint.loadWeights(into: discriminator, section: "discriminator", file: file)
        do {
            try optimizer.loadState(checkpoint.section("disc_optimizer"))
        } catch {
            throw CheckpointError.mismatchedModel(file: file, reason: "discriminator optimizer: \(error)")
        }
    }
}
