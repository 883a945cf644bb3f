import Models
import TensorCore

/// The autoencoder's side of one first-stage step (the references' `optimizer_idx == 0`): the gradients
/// of its loss, with the batch cut into shards side by side on the cores (`ShardedGradients`).
/// Public so that tests can hold it against the loss differentiated directly.
public struct GeneratorStep {
    public var gradients: [Tensor]
    /// The reconstruction of the whole batch, detached.
    public var reconstruction: Tensor
    /// Each loss term as the size-weighted mean over the shards; the VQ code statistics of the whole batch.
    public var metrics: StepMetrics

    /// The adversarial term's setting for one step: the discriminator, and the factor and weight that
    /// `discriminatorFactor` and `loss.disc_weight` give (the factor is above 0 from `disc_start` on).
    public struct Adversary {
        public var discriminator: PatchDiscriminator
        public var factor: Float
        /// `loss.disc_weight`, before the adaptive scaling.
        public var discWeight: Float

        public init(discriminator: PatchDiscriminator, factor: Float, discWeight: Float) {
            self.discriminator = discriminator
            self.factor = factor
            self.discWeight = discWeight
        }
    }

    /// - Parameters:
    ///   - parameters: the autoencoder's parameters, in optimizer order.
    ///   - adversary: nil before `disc_start` and for runs without a discriminator: the loss is then
    ///     nll + regularizer, one backward pass per shard.
    ///   - noise: split once per shard; each shard samples its posterior from its own split.
    public init(firstStage: FirstStage, images: Tensor, parameters: [Tensor], loss config: AutoencoderLossConfig,
         perceptual: ImageDistance?, adversary: Adversary?, shards: Int, noise: inout SeededGenerator) {
        let batch = images.shape[0]
        let forward = { (range: Range<Int>, generator: inout SeededGenerator) in
            firstStage.trainingForward(images.sliced(axis: 0, range: range), config: config, perceptual: perceptual,
                                       noise: &generator)
        }
        var metrics = StepMetrics()
        var parts: [(range: Range<Int>, metrics: StepMetrics, reconstruction: Tensor, codes: [Int])]
        if let adversary {
            let step = AdversarialGeneratorStep(batch: batch, shards: shards, parameters: parameters,
                                                lastLayer: firstStage.lastLayerWeight, adversary: adversary,
                                                noise: &noise, forward: forward)
            gradients = step.gradients
            parts = step.parts
            metrics.set("loss", step.loss)
            metrics.set("d_weight", step.adaptiveWeight)
        } else {
            let result = ShardedGradients(batch: batch, shards: shards, wrt: parameters, splitting: &noise) { range, generator in
                let (terms, reconstruction, codes) = forward(range, &generator)
                return ShardLoss(loss: terms.nll + terms.regularizer,
                                 extra: (metrics: terms.metrics, reconstruction: reconstruction.detached(), codes: codes))
            }
            gradients = result.gradients
            parts = result.shards.map { ($0.range, $0.extra.metrics, $0.extra.reconstruction, $0.extra.codes) }
            metrics.set("loss", result.loss)
        }
        metrics.addSizeWeighted(parts.map { ($0.range, $0.metrics) }, batch: batch)
        if case .vq(let model) = firstStage {
            let codes = parts.flatMap(\.codes)
            metrics.set("perplexity", VectorQuantizer.perplexity(codes, codes: model.codebookSize))
            metrics.set("codebook_usage", Float(Set(codes).count) / Float(model.codebookSize))
        }
        reconstruction = Tensor.concatenate(parts.map(\.reconstruction), axis: 0)
        self.metrics = metrics
    }
}

/// The generator step with the adversarial term: nll + regularizer + d_weight · disc_factor · g_loss,
/// where d_weight is the adaptive weight of the whole batch (`adaptiveGeneratorWeight`).
///
/// d_weight needs the gradients of the batch's nll and g_loss at the decoder's last weight before any
/// shard can back-propagate the total, so the step runs in two passes over the shards:
/// 1. forward; the cotangents of nll and of g_loss at the reconstruction (two backward passes through
///    the perceptual network and the discriminator only), and from them the two last-weight gradients;
/// 2. once d_weight is known, one backward pass through the autoencoder of
///    Σ x̂ ⊙ (∂nll/∂x̂ + d_weight · disc_factor · ∂g/∂x̂) + regularizer, whose gradient is the total loss's,
///    instead of the reference's three passes through the whole graph.
private struct AdversarialGeneratorStep {
    var gradients: [Tensor]
    var loss: Float
    /// d_weight: the adaptive weight times disc_weight.
    var adaptiveWeight: Float
    var parts: [(range: Range<Int>, metrics: StepMetrics, reconstruction: Tensor, codes: [Int])]

    private struct ShardForward {
        var range: Range<Int>
        var terms: FirstStageLossTerms
        var reconstruction: Tensor
        var codes: [Int]
        var generatorLoss: Tensor
        var nllCotangent: Tensor
        var generatorCotangent: Tensor
        var nllLastLayerGradient: Tensor
        var generatorLastLayerGradient: Tensor
    }

    init(batch: Int, shards: Int, parameters: [Tensor], lastLayer: Tensor, adversary: GeneratorStep.Adversary,
         noise: inout SeededGenerator,
         forward: (Range<Int>, inout SeededGenerator) -> (terms: FirstStageLossTerms, reconstruction: Tensor, codes: [Int])) {
        let ranges = shardRanges(count: batch, shards: shards)
        let generators = ranges.map { _ in noise.split() }
        let forwards = mapShards(ranges.count) { shard -> ShardForward in
            var generator = generators[shard]
            let (terms, reconstruction, codes) = forward(ranges[shard], &generator)
            let adversarialLoss = generatorLoss(fakeLogits: adversary.discriminator(reconstruction))
            let nllCotangent = TensorCore.gradients(of: terms.nll, wrt: [reconstruction], retainingGraph: true)[0]
            let generatorCotangent = TensorCore.gradients(of: adversarialLoss, wrt: [reconstruction], retainingGraph: true)[0]
            let lastLayerGradient = { (cotangent: Tensor) in
                TensorCore.gradients(of: reconstruction, wrt: [lastLayer], seed: cotangent, retainingGraph: true)[0]
            }
            return ShardForward(range: ranges[shard], terms: terms, reconstruction: reconstruction, codes: codes,
                                generatorLoss: adversarialLoss, nllCotangent: nllCotangent,
                                generatorCotangent: generatorCotangent,
                                nllLastLayerGradient: lastLayerGradient(nllCotangent),
                                generatorLastLayerGradient: lastLayerGradient(generatorCotangent))
        }
        let shareOfBatch = forwards.map { Float($0.range.count) / Float(batch) }
        let weightedSum = { (gradient: KeyPath<ShardForward, Tensor>) -> Tensor in
            zip(forwards, shareOfBatch).dropFirst().reduce(forwards[0][keyPath: gradient] * shareOfBatch[0]) {
                $0 + $1.0[keyPath: gradient] * $1.1
            }
        }
        adaptiveWeight = adaptiveGeneratorWeight(
            reconstructionGradient: weightedSum(\.nllLastLayerGradient),
            generatorGradient: weightedSum(\.generatorLastLayerGradient),
            discriminatorWeight: adversary.discWeight)
        let generatorScale = adaptiveWeight * adversary.factor

        let shardGradients = mapShards(forwards.count) { shard -> [Tensor] in
            let part = forwards[shard]
            let cotangent = part.nllCotangent + generatorScale * part.generatorCotangent
            let surrogate = (part.reconstruction * cotangent).sum() + part.terms.regularizer
            return TensorCore.gradients(of: surrogate * shareOfBatch[shard], wrt: parameters)
        }
        gradients = summedInShardOrder(shardGradients)

        loss = 0
        parts = []
        for (part, share) in zip(forwards, shareOfBatch) {
            let adversarialLoss = part.generatorLoss.scalar
            loss += share * (part.terms.nll.scalar + part.terms.regularizer.scalar + generatorScale * adversarialLoss)
            var metrics = part.terms.metrics
            metrics.set("g_loss", adversarialLoss)
            parts.append((part.range, metrics, part.reconstruction.detached(), part.codes))
        }
    }
}
