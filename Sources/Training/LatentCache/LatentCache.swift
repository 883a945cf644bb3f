import Foundation
import HDF5Store
import Models
import TensorCore

/// A complete latent cache opened for training: the dataset encoded once by a frozen first stage
/// (written by `LatentCache.build`; layout in docs/latent-cache.md).
///
/// Rows are held in memory when they fit in `memoryLimit` bytes (60,000 latents of 4 × 8 × 8 with
/// a KL posterior take 184 MB), else read from the file on demand, one chunk per row.
public final class LatentCache {
    public let url: URL
    /// The number of cached samples.
    public let count: Int
    /// The shape of one latent, [C, h, w].
    public let latentShape: [Int]
    /// 1 / std of all cached latents: the diffusion model sees latents × scaleFactor.
    public let scaleFactor: Double
    /// What the cache was made from.
    public let identity: LatentCacheIdentity
    /// The class of each sample (−1 for one without), or nil when the dataset has no classes.
    public let labels: [Int]?
    /// The class names, indexed by label; empty when the dataset has no classes.
    public let classNames: [String]
    /// The caption of each sample ("" for one without), or nil when no sample has one.
    public let captions: [String]?
    /// Whether the rows are held in memory rather than read from the file.
    public let isInMemory: Bool
    private let latents: LatentRows
    private let posterior: (mean: LatentRows, logVariance: LatentRows)?

    public static let defaultMemoryLimit = 1 << 30

    /// Opens and checks the complete cache at `url`.
    /// - Throws: `HDF5Error` for a file HDF5 cannot read (missing, not HDF5, truncated),
    ///   `LatentCacheError` for one that is not a complete, consistent latent cache.
    public init(contentsOf url: URL, memoryLimit: Int = defaultMemoryLimit) throws {
        let path = url.relativePath
        let file = try HDF5File.open(url)
        try Self.checkFormat(of: file, path: path)
        let count = try file.intAttribute(LatentCacheLayout.Attribute.count)
        let identity = try LatentCacheIdentity(attributesOf: file)
        guard try file.intAttribute(LatentCacheLayout.Attribute.complete) == 1 else {
            throw LatentCacheError.incomplete(file: path, count: count, total: identity.datasetCount)
        }
        let contents = try LatentCacheContents(file, path: path, count: count, firstStageKind: identity.firstStageKind)
        let latentShape = Array(contents.latents.shape.dropFirst())
        let bytes = count * shapeCount(latentShape) * MemoryLayout<Float>.size * (contents.posterior == nil ? 1 : 3)
        self.url = url
        self.count = count
        self.identity = identity
        self.latentShape = latentShape
        self.scaleFactor = contents.scaleFactor
        self.labels = contents.labels
        self.classNames = contents.classNames
        self.captions = contents.captions
        let inMemory = bytes <= memoryLimit
        self.isInMemory = inMemory
        self.latents = try LatentRows(contents.latents, inMemory: inMemory)
        self.posterior = try contents.posterior.map {
            (try LatentRows($0.mean, inMemory: inMemory), try LatentRows($0.logVariance, inMemory: inMemory))
        }
    }

    /// Whether the cache holds a posterior to sample (a KL first stage's).
    public var hasPosterior: Bool { posterior != nil }

    /// The deterministic latents of `rows` (KL posterior mean, VQ pre-quantisation), unscaled:
    /// [rows.count, C, h, w].
    public func latents(rows: [Int]) throws -> Tensor { try latents.gathered(rows) }

    /// The KL posterior's mean and log-variance of `rows`, each [rows.count, C, h, w].
    public func posterior(rows: [Int]) throws -> (mean: Tensor, logVariance: Tensor) {
        guard let posterior else {
            throw LatentCacheError.noPosterior(file: url.relativePath, firstStageKind: identity.firstStageKind)
        }
        return (try posterior.mean.gathered(rows), try posterior.logVariance.gathered(rows))
    }

    /// Fresh posterior samples of `rows`, mean + exp(0.5·logvar)·ε with ε ~ N(0, I) drawn from
    /// `generator`, unscaled: [rows.count, C, h, w]. CompVis `DiagonalGaussianDistribution.sample`.
    public func sample(rows: [Int], using generator: inout SeededGenerator) throws -> Tensor {
        let (mean, logVariance) = try posterior(rows: rows)
        return mean + (logVariance * 0.5).exp() * Tensor.randomNormal(mean.shape, using: &generator)
    }

    /// Throws `LatentCacheError.identityMismatch`, naming what differs, unless the cache was made
    /// from what `expected` describes.
    public func checkIdentity(_ expected: LatentCacheIdentity) throws {
        if let (what, detail) = identity.difference(from: expected) {
            throw LatentCacheError.identityMismatch(file: url.relativePath, what: what, detail: detail)
        }
    }

    /// Throws `LatentCacheError.identityMismatch` unless the cache was made by `firstStage`'s
    /// weights (what a trainer that decodes its samples with `firstStage` needs).
    public func checkFirstStage(_ firstStage: FirstStage) throws {
        var expected = identity
        expected.firstStageKind = firstStage.kindName
        expected.firstStageSHA256 = LatentCacheIdentity.weightsDigest(firstStage.module.stateDict())
        try checkIdentity(expected)
    }

    /// Throws `LatentCacheError.notACache` unless `file` has this format's `format` attribute.
    static func checkFormat(of file: HDF5File, path: String) throws {
        let name = LatentCacheLayout.Attribute.format
        guard file.hasAttribute(name) else {
            throw LatentCacheError.notACache(file: path, reason: "no '\(name)' attribute")
        }
        let found = try file.stringAttribute(name), expected = LatentCacheLayout.format
        guard found == expected else {
            throw LatentCacheError.notACache(file: path, reason: "format '\(found)', expected '\(expected)'")
        }
    }
}
