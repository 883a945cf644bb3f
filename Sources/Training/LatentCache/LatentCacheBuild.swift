import Datasets
import Foundation
import HDF5Store
import Models
import TensorCore

/// How far a `LatentCache.build` got.
public struct LatentCacheBuildResult: Equatable, Sendable {
    /// The rows the file held when this build began: 0 for a new file, the count of an interrupted one
    /// (cut back to a whole batch), all of them for a complete one.
    public let resumedAt: Int
    /// The rows it holds now.
    public let count: Int
    /// The samples of the dataset.
    public let total: Int
    /// Whether every sample is encoded and the scale factor stored; false after Ctrl-C.
    public let isComplete: Bool
    /// Unreadable samples that this build replaced by the next readable one (see `DataLoader`).
    public let replacedSamples: Int

    public init(resumedAt: Int, count: Int, total: Int, isComplete: Bool, replacedSamples: Int) {
        self.resumedAt = resumedAt
        self.count = count
        self.total = total
        self.isComplete = isComplete
        self.replacedSamples = replacedSamples
    }
}

extension LatentCache {
    /// The loader seed of a build: any augmentation a dataset does draws from generators derived from
    /// it (as `DataLoader` derives them), so a cache, and a continued one, is reproducible.
    public static let buildSeed: UInt64 = 0

    /// Encodes every sample of `dataset`, in order, with `firstStage` (without gradients, in eval
    /// mode) into one HDF5 file at `url` (layout in docs/latent-cache.md), then stores the scale
    /// factor and marks it complete.
    ///
    /// An incomplete cache of the same identity at `url` is continued from its last whole batch; a
    /// complete one is left as it is. A file of another identity, or one that is not a latent
    /// cache, is refused unless `rebuild` (then it is replaced). Ctrl-C (see `Interruption`) stops
    /// the build after the current batch, leaving a file that a later build continues.
    ///
    /// - Parameters:
    ///   - transform: the dataset's transform settings in words (e.g. "pad 2"); part of its identity.
    ///   - progress: called after each batch with the rows written and the total; an error it throws
    ///     stops the build and is rethrown (the file stays continuable).
    @discardableResult
    public static func build(firstStage: FirstStage, dataset: any ImageDataset, transform: String, to url: URL,
                             batchSize: Int = 64, rebuild: Bool = false,
                             progress: (_ written: Int, _ total: Int) throws -> Void = { _, _ in })
        throws -> LatentCacheBuildResult {
        guard batchSize >= 1 else {
            throw DatasetError.invalidParameter(name: "batch size", value: batchSize, expected: "at least 1")
        }
        guard dataset.count > 0 else {
            throw DatasetError.invalidParameter(name: "\(dataset.name): samples", value: 0, expected: "at least 1")
        }
        let inChannels = firstStage.architecture.inChannels
        guard dataset.channels == inChannels else {
            throw DatasetError.invalidParameter(name: "\(dataset.name): image channels", value: dataset.channels,
                                                expected: "\(inChannels), the first stage's input channels")
        }
        let identity = LatentCacheIdentity(firstStage: firstStage, dataset: dataset, transform: transform)
        guard let writer = try writer(for: url, identity: identity, classNames: dataset.classNames,
                                      batchSize: batchSize, rebuild: rebuild) else {
            return LatentCacheBuildResult(resumedAt: dataset.count, count: dataset.count, total: dataset.count,
                                          isComplete: true, replacedSamples: 0)
        }
        let resumedAt = writer.count
        let replaced = try encodeRemaining(dataset, with: firstStage, into: writer, batchSize: batchSize,
                                           progress: progress)
        let isComplete = writer.count == dataset.count
        if isComplete { try writer.finish() }
        return LatentCacheBuildResult(resumedAt: resumedAt, count: writer.count, total: dataset.count,
                                      isComplete: isComplete, replacedSamples: replaced)
    }

    /// The writer that continues or starts the cache at `url`, or nil when it is already complete.
    private static func writer(for url: URL, identity: LatentCacheIdentity, classNames: [String], batchSize: Int,
                               rebuild: Bool) throws -> LatentCacheWriter? {
        guard !rebuild, FileManager.default.fileExists(atPath: url.path) else {
            return try LatentCacheWriter.create(at: url, identity: identity, classNames: classNames)
        }
        let path = url.relativePath
        // Read-only first: a complete cache may be open in another run, and a writable open would
        // need HDF5's exclusive lock.
        guard try !isComplete(url, path: path, identity: identity) else { return nil }
        return try LatentCacheWriter.continuing(try openExisting(url, path: path, writable: true), path: path,
                                                batchSize: batchSize)
    }

    /// Whether the existing cache at `url` is complete; throws when it is not a latent cache of `identity`.
    private static func isComplete(_ url: URL, path: String, identity: LatentCacheIdentity) throws -> Bool {
        let file = try openExisting(url, path: path, writable: false)
        if let (what, detail) = try LatentCacheIdentity(attributesOf: file).difference(from: identity) {
            throw LatentCacheError.identityMismatch(file: path, what: what, detail: detail)
        }
        return try file.intAttribute(LatentCacheLayout.Attribute.complete) == 1
    }

    /// The existing file at `url`, checked to be a latent cache (else refused, so a build never
    /// replaces a file it cannot read unless asked to rebuild).
    private static func openExisting(_ url: URL, path: String, writable: Bool) throws -> HDF5File {
        do {
            let file = try HDF5File.open(url, writable: writable)
            try checkFormat(of: file, path: path)
            _ = try LatentCacheIdentity(attributesOf: file)
            return file
        } catch let error as HDF5Error {
            throw LatentCacheError.refusingToReplace(
                file: path, reason: "cannot be read as a latent cache (\(error.problemDescription))")
        } catch LatentCacheError.notACache(_, let reason) {
            throw LatentCacheError.refusingToReplace(file: path, reason: "not a swift-ldm latent cache (\(reason))")
        }
    }

    /// Encodes and appends the samples from `writer.count` on, a batch at a time, until all are
    /// written or Ctrl-C asks to stop. Returns how many unreadable samples were replaced.
    private static func encodeRemaining(_ dataset: any ImageDataset, with firstStage: FirstStage,
                                        into writer: LatentCacheWriter, batchSize: Int,
                                        progress: (Int, Int) throws -> Void) throws -> Int {
        guard writer.count < dataset.count else { return 0 }
        let loader = try DataLoader(dataset: dataset, batchSize: batchSize, shuffle: false, dropLast: false,
                                    seed: buildSeed, state: LoaderState(epoch: 0, batch: writer.count / batchSize))
        let module = firstStage.module, wasTraining = module.isTraining
        module.eval()
        defer { if wasTraining { module.train() } }
        while writer.count < dataset.count {
            let batch = try loader.next()
            let (latents, posterior) = encoded(batch.images, by: firstStage)
            try writer.append(latents: latents, posterior: posterior, labels: batch.labels, captions: batch.captions)
            try progress(writer.count, dataset.count)
            if Interruption.isRequested { break }
        }
        return loader.replacedSampleCount
    }

    /// The deterministic latents of `images` [B, C, H, W] and, for KL, the posterior's moments:
    /// each [B, embedDimension, H/f, W/f]. The batch is encoded in `defaultShardCount` pieces side by
    /// side on the cores.
    private static func encoded(_ images: Tensor, by firstStage: FirstStage)
        -> (latents: Tensor, posterior: (mean: Tensor, logVariance: Tensor)?) {
        let pieces = shardRanges(count: images.shape[0], shards: defaultShardCount)
        let parts = withoutGradients {
            mapShards(pieces.count) { piece in encodedPiece(images.sliced(axis: 0, range: pieces[piece]), by: firstStage) }
        }
        let latents = Tensor.concatenate(parts.map(\.latents), axis: 0)
        let posteriors = parts.compactMap(\.posterior)
        guard posteriors.count == parts.count else { return (latents, nil) }
        return (latents, (Tensor.concatenate(posteriors.map(\.mean), axis: 0),
                          Tensor.concatenate(posteriors.map(\.logVariance), axis: 0)))
    }

    /// `encoded` for one piece of the batch (called without gradients).
    private static func encodedPiece(_ images: Tensor, by firstStage: FirstStage)
        -> (latents: Tensor, posterior: (mean: Tensor, logVariance: Tensor)?) {
        switch firstStage {
        case .kl(let model):
            let posterior = model.encode(images)
            return (posterior.mean, (posterior.mean, posterior.logVariance))
        case .vq:
            return (firstStage.encodeDeterministic(images), nil)
        }
    }
}
