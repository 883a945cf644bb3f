import Datasets
import TensorCore

/// A batch of cached latents for the diffusion trainer.
public struct LatentBatch {
    /// [batch, C, h, w]: latents × the cache's scale factor.
    public let latents: Tensor
    /// The class of each sample; nil when the cache has no labels.
    public let labels: [Int]?
    /// The caption of each sample; nil when the cache has no captions.
    public let captions: [String]?
    /// The cache rows the samples come from.
    public let rows: [Int]
    /// The position this batch was taken from.
    public let position: LoaderState

    public var count: Int { rows.count }
}

/// Batches a latent cache in seeded random order, epoch after epoch: the latent counterpart of
/// `DataLoader`, following its conventions (`SampleSeeds`, `LoaderState`).
///
/// The order of epoch e depends only on (seed, e), and a KL posterior sample only on (seed, e, the
/// batch's first slot), so a loader created from a saved `state` returns exactly the batches the
/// original would have returned next. Reading cached rows is fast (memory, or one chunk per row),
/// so there is no background prefetching.
public final class LatentBatches {
    /// Which latents a KL cache gives.
    public enum Latents: String, Codable, Sendable {
        /// A fresh posterior sample each time (mean + σ·ε, as CompVis trains); the deterministic
        /// latents for a cache without a posterior (VQ).
        case posteriorSample = "sample"
        /// The deterministic latents (the posterior mean for KL).
        case mean
    }

    public let cache: LatentCache
    public let batchSize: Int
    public let shuffle: Bool
    /// Whether an epoch's last, smaller batch is left out.
    public let dropLast: Bool
    public let latents: Latents
    public let batchesPerEpoch: Int
    /// The position of the next batch `next()` returns; save it to resume.
    public private(set) var state: LoaderState

    private let seeds: SampleSeeds
    private let scale: Float
    private var epochOrder: (epoch: Int, rows: [Int])?

    /// A loader starting at `state` (the beginning by default).
    public init(cache: LatentCache, batchSize: Int, shuffle: Bool = true, dropLast: Bool = true,
                latents: Latents = .posteriorSample, seed: UInt64, state: LoaderState = LoaderState()) throws {
        guard batchSize >= 1, !dropLast || batchSize <= cache.count else {
            let limit = " and at most the \(cache.count) latents of \(cache.url.relativePath)"
            throw DatasetError.invalidParameter(name: "batch size", value: batchSize,
                                                expected: "at least 1" + (dropLast ? limit : ""))
        }
        let batchesPerEpoch = dropLast ? cache.count / batchSize : (cache.count + batchSize - 1) / batchSize
        guard state.epoch >= 0, (0..<batchesPerEpoch).contains(state.batch) else {
            throw DatasetError.invalidLoaderState(epoch: state.epoch, batch: state.batch,
                                                  batchesPerEpoch: batchesPerEpoch)
        }
        self.cache = cache
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.latents = latents
        self.batchesPerEpoch = batchesPerEpoch
        self.state = state
        self.seeds = SampleSeeds(seed: seed)
        self.scale = Float(cache.scaleFactor)
    }

    /// The batch at `state`; then `state` moves on (to the next epoch after its last batch).
    public func next() throws -> LatentBatch {
        let position = state
        let firstSlot = position.batch * batchSize
        let rows = Array(order(ofEpoch: position.epoch)[firstSlot..<min(firstSlot + batchSize, cache.count)])
        let unscaled: Tensor
        if latents == .posteriorSample && cache.hasPosterior {
            var noise = seeds.augmentation(epoch: position.epoch, slot: firstSlot)
            unscaled = try cache.sample(rows: rows, using: &noise)
        } else {
            unscaled = try cache.latents(rows: rows)
        }
        state = position.advanced(batchesPerEpoch: batchesPerEpoch)
        return LatentBatch(latents: unscaled * scale, labels: cache.labels.map { labels in rows.map { labels[$0] } },
                           captions: cache.captions.map { captions in rows.map { captions[$0] } },
                           rows: rows, position: position)
    }

    /// The cache rows in the order of `epoch`.
    private func order(ofEpoch epoch: Int) -> [Int] {
        if epochOrder?.epoch != epoch {
            epochOrder = (epoch, seeds.order(ofEpoch: epoch, count: cache.count, shuffled: shuffle))
        }
        return epochOrder!.rows
    }
}
