import Datasets
import Foundation
import Models
import TensorCore

/// What a diffusion model trains on: a latent cache (latents × its scale factor) or, in pixel
/// space, the images themselves (scale 1), with the identity a checkpoint keeps so that a resumed
/// run refuses other data.
public struct DiffusionTrainingSet {
    public enum Source {
        /// A complete latent cache; `useMean` trains on the KL posterior mean instead of samples.
        case latents(LatentCache, useMean: Bool)
        /// Images in [−1, 1] (the paper's pixel-space LDM-1 baseline).
        case images(any ImageDataset)
    }

    public let source: Source
    /// The cache's identity, or for images one with first-stage kind `pixels` and an empty hash.
    public let identity: LatentCacheIdentity
    /// What the model's inputs were multiplied by: the cache's 1/std, or 1 for pixels.
    public let scaleFactor: Double
    /// The shape of one sample, [C, h, w].
    public let sampleShape: [Int]
    public let classNames: [String]
    public var count: Int { identity.datasetCount }

    /// The first-stage kind recorded for pixel-space training.
    public static let pixelKind = "pixels"

    /// Training on a cache's latents.
    public init(cache: LatentCache, useMean: Bool) {
        source = .latents(cache, useMean: useMean)
        identity = cache.identity
        scaleFactor = cache.scaleFactor
        sampleShape = cache.latentShape
        classNames = cache.classNames
    }

    /// Training on `dataset`'s images, prepared as `transform` describes (part of the identity).
    public init(images dataset: any ImageDataset, transform: String) throws {
        guard dataset.count > 0 else {
            throw DatasetError.invalidParameter(name: "\(dataset.name): samples", value: 0, expected: "at least 1")
        }
        var generator = SeededGenerator(seed: 0)
        source = .images(dataset)
        identity = LatentCacheIdentity(
            firstStageSHA256: "", firstStageKind: Self.pixelKind,
            datasetFingerprint: LatentCacheIdentity.datasetFingerprint(dataset, transform: transform),
            datasetName: dataset.name, datasetCount: dataset.count, transform: transform)
        scaleFactor = 1
        sampleShape = try dataset.sample(at: 0, generator: &generator).image.shape
        classNames = dataset.classNames
    }

    /// The first `count` distinct captions of the training samples, in their order (the text-conditional
    /// preview grids); empty when the samples have none.
    func previewCaptions(_ count: Int) -> [String] {
        var captions: [String] = []
        var generator = SeededGenerator(seed: 0)
        var index = 0
        while captions.count < count && index < self.count {
            let caption: String?
            switch source {
            case let .latents(cache, _): caption = cache.captions?[index]
            case let .images(dataset): caption = try? dataset.sample(at: index, generator: &generator).caption
            }
            guard let caption else { break }
            if !captions.contains(caption) { captions.append(caption) }
            index += 1
        }
        return captions
    }

    /// A loader of clean samples in seeded random order, starting at `state`.
    func makeLoader(batchSize: Int, seed: UInt64, state: LoaderState) throws -> any DiffusionSampleLoader {
        switch source {
        case let .latents(cache, useMean):
            return try LatentBatches(cache: cache, batchSize: batchSize, latents: useMean ? .mean : .posteriorSample,
                                     seed: seed, state: state)
        case let .images(dataset):
            return try DataLoader(dataset: dataset, batchSize: batchSize, seed: seed, state: state)
        }
    }
}

/// Batches of clean samples x_0 for the diffusion trainer, resumable from `state`.
protocol DiffusionSampleLoader: AnyObject {
    /// The position of the next batch.
    var state: LoaderState { get }
    /// x_0 [B, C, h, w], each sample's class and caption (nil when the data has none).
    func nextSamples() throws -> (samples: Tensor, labels: [Int]?, captions: [String]?)
}

extension LatentBatches: DiffusionSampleLoader {
    func nextSamples() throws -> (samples: Tensor, labels: [Int]?, captions: [String]?) {
        let batch = try next()
        return (batch.latents, batch.labels, batch.captions)
    }
}

extension DataLoader: DiffusionSampleLoader {
    func nextSamples() throws -> (samples: Tensor, labels: [Int]?, captions: [String]?) {
        let batch = try next()
        return (batch.images, batch.labels, batch.captions)
    }
}

/// Where samples live and how they become images: a first stage's latent space (decode
/// latents / scale factor) or pixel space (the samples are the images).
public struct SampleSpace {
    /// The frozen first stage, nil in pixel space.
    public let firstStage: FirstStage?
    public let scaleFactor: Double

    public init(firstStage: FirstStage?, scaleFactor: Double) {
        self.firstStage = firstStage
        self.scaleFactor = scaleFactor
    }

    /// Images in [−1, 1] from model samples [B, C, h, w], without gradients.
    public func images(from samples: Tensor) -> Tensor {
        withoutGradients {
            guard let firstStage else { return samples.clamped(min: -1, max: 1) }
            return firstStage.decode(samples * Float(1 / scaleFactor)).clamped(min: -1, max: 1)
        }
    }

    /// Model samples [B, C, h, w] from images (the deterministic latents × scale factor), without gradients.
    public func samples(from images: Tensor) -> Tensor {
        withoutGradients {
            guard let firstStage else { return images }
            return firstStage.encodeDeterministic(images) * Float(scaleFactor)
        }
    }
}
