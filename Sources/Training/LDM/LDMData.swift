import Datasets
import Evaluation
import Foundation
import Models

/// The training data of an LDM run: the latent cache of the configured first stage (built or
/// finished when asked), or in pixel space the images themselves.
public struct LDMData {
    public let trainingSet: DiffusionTrainingSet
    /// The frozen first stage, nil in pixel space.
    public let firstStage: FirstStage?
    /// The latent cache file, nil in pixel space.
    public let cacheURL: URL?

    /// Loads the first stage and opens its cache; a missing or unfinished cache is built (or
    /// continued) first when `buildCache`, and replaced when `rebuild`.
    public static func prepare(_ config: LDMRunConfig, buildCache: Bool = true, rebuild: Bool = false,
                               log: (String) -> Void = { print($0) }) throws -> LDMData {
        let dataset = try config.data.makeDatasets().train
        let transform = config.data.transformDescription
        guard let path = config.firstStage.checkpoint else {
            return LDMData(trainingSet: try DiffusionTrainingSet(images: dataset, transform: transform),
                           firstStage: nil, cacheURL: nil)
        }
        let firstStage = try FirstStageLocation(path).load()
        let identity = LatentCacheIdentity(firstStage: firstStage, dataset: dataset, transform: transform)
        let url = config.cache.url(source: config.data.source, firstStageSHA256: identity.firstStageSHA256)
        if buildCache {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let progress = ProgressReporter(total: dataset.count)
            let result = try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: transform, to: url,
                                               batchSize: config.cache.batchSize, rebuild: rebuild) { written, _ in
                progress.update(step: written)
            }
            if result.resumedAt < result.total {
                log("\ntrain-ldm: latent cache \(url.path): encoded \(result.count - result.resumedAt) images"
                    + (result.resumedAt > 0 ? ", continuing from \(result.resumedAt)" : ""))
            }
        }
        let cache = try LatentCache(contentsOf: url)
        try cache.checkIdentity(identity)
        return LDMData(trainingSet: DiffusionTrainingSet(cache: cache, useMean: config.cache.useMean),
                       firstStage: firstStage, cacheURL: url)
    }
}

extension LatentCacheConfig {
    /// `path`, or when empty `datasets/cache/<source>-<first 12 digits of the first stage's hash>.h5`.
    func url(source: DataConfig.Source, firstStageSHA256: String) -> URL {
        if !path.isEmpty { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: "datasets/cache/\(source.rawValue)-\(firstStageSHA256.prefix(12)).h5")
    }
}

extension DataConfig {
    /// The transform settings in words, part of a cache's and a checkpoint's data identity.
    public var transformDescription: String {
        switch source {
        case .fashionMNIST: "pad 2"
        case .photos: "random crop \(imageSize), flip \(flipProbability)"
        case .folder: "resize shorter side \(imageSize), random crop \(imageSize), flip \(flipProbability)"
        case .emoji: "glyph on white, padded square, resized to \(imageSize), captions \(captions.rawValue)"
        }
    }
}
