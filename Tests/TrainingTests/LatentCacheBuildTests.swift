import Datasets
import Foundation
import HDF5Store
import Models
import NN
import TensorCore
import TestSupport
import Training
import XCTest

final class LatentCacheBuildTests: XCTestCase {
    private var folder: CacheFolder!

    override func setUpWithError() throws { folder = try CacheFolder("latent-cache-build") }
    override func tearDown() { folder.remove() }

    func testKLCacheHoldsTheEncodingsThePosteriorAndTheLabels() throws {
        let firstStage = tinyFirstStage(.kl), dataset = SyntheticImages(count: 10)
        let url = folder.file("kl.h5")
        var reported: [Int] = []
        let result = try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "none", to: url,
                                           batchSize: 4) { written, total in
            XCTAssertEqual(total, 10)
            reported.append(written)
        }
        XCTAssertEqual(result, LatentCacheBuildResult(resumedAt: 0, count: 10, total: 10, isComplete: true, replacedSamples: 0))
        XCTAssertEqual(reported, [4, 8, 10])

        guard case .kl(let model) = firstStage else { return XCTFail("not KL") }
        let posterior = withoutGradients { model.encode(try! allImages(dataset)) }
        let cache = try LatentCache(contentsOf: url)
        let rows = Array(0..<10)
        XCTAssertEqual(cache.count, 10)
        XCTAssertEqual(cache.latentShape, [2, 16, 16])
        XCTAssertTrue(cache.hasPosterior)
        assertClose(try cache.latents(rows: rows), posterior.mean)
        assertClose(try cache.posterior(rows: rows).mean, posterior.mean)
        assertClose(try cache.posterior(rows: rows).logVariance, posterior.logVariance)
        XCTAssertEqual(cache.scaleFactor, 1 / sampleStandardDeviation(posterior.mean.scalars), accuracy: 1e-6 * cache.scaleFactor)
        XCTAssertEqual(cache.labels, rows.map { $0 % 2 })
        XCTAssertEqual(cache.classNames, ["a", "b"])
        XCTAssertNil(cache.captions)
        XCTAssertEqual(cache.identity, LatentCacheIdentity(firstStage: firstStage, dataset: dataset, transform: "none"))
        XCTAssertNoThrow(try cache.checkFirstStage(firstStage))
    }

    func testVQCacheHoldsThePreQuantisationLatentsAndNoPosterior() throws {
        let firstStage = tinyFirstStage(.vq), dataset = SyntheticImages(count: 6)
        let url = folder.file("vq.h5")
        try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "none", to: url, batchSize: 4)
        guard case .vq(let model) = firstStage else { return XCTFail("not VQ") }
        let cache = try LatentCache(contentsOf: url)
        assertClose(try cache.latents(rows: Array(0..<6)), withoutGradients { model.encodeContinuous(try! allImages(dataset)) })
        XCTAssertFalse(cache.hasPosterior)
        XCTAssertFalse(try HDF5File.open(url).contains("mean"))
        XCTAssertFalse(try HDF5File.open(url).contains("logvar"))
        XCTAssertEqual(cache.identity.firstStageKind, "autoencoder-vq")
        var generator = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try cache.sample(rows: [0], using: &generator)) { error in
            XCTAssertEqual(error as? LatentCacheError, .noPosterior(file: url.relativePath, firstStageKind: "autoencoder-vq"))
            XCTAssertTrue("\(error)".hasPrefix(url.relativePath), "\(error)")
        }
    }

    func testCaptionsAreKeptAndEarlierUncaptionedRowsAreEmpty() throws {
        let url = folder.file("captions.h5")
        try LatentCache.build(firstStage: tinyFirstStage(.kl), dataset: CaptionedImages(firstCaptioned: 5),
                              transform: "none", to: url, batchSize: 4)
        let cache = try LatentCache(contentsOf: url)
        XCTAssertEqual(cache.captions, ["", "", "", "", "", "image 5", "image 6", "image 7", "image 8", "image 9"])
        XCTAssertNil(cache.labels)
        XCTAssertEqual(cache.classNames, [])
        XCTAssertFalse(try HDF5File.open(url).contains("labels"))
        let batch = try LatentBatches(cache: cache, batchSize: 4, seed: 1).next()
        XCTAssertEqual(batch.captions, batch.rows.map { $0 >= 5 ? "image \($0)" : "" })
    }

    /// Stopping after two batches and building again gives the same file as one uninterrupted build.
    func testAnInterruptedBuildContinuesToTheSameFile() throws {
        for kind in [AutoencoderModelConfig.Kind.kl, .vq] {
            let firstStage = tinyFirstStage(kind), dataset = SyntheticImages(count: 10)
            let straight = folder.file("straight-\(kind).h5"), split = folder.file("split-\(kind).h5")
            try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "none", to: straight, batchSize: 3)

            struct Stop: Error {}
            XCTAssertThrowsError(try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "none",
                                                       to: split, batchSize: 3) { written, _ in
                if written == 6 { throw Stop() }
            }) { XCTAssertTrue($0 is Stop) }
            XCTAssertThrowsError(try LatentCache(contentsOf: split)) { error in
                XCTAssertEqual(error as? LatentCacheError, .incomplete(file: split.relativePath, count: 6, total: 10))
            }
            let result = try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "none",
                                               to: split, batchSize: 3)
            XCTAssertEqual(result, LatentCacheBuildResult(resumedAt: 6, count: 10, total: 10, isComplete: true,
                                                          replacedSamples: 0))
            XCTAssertEqual(try cacheContents(split), try cacheContents(straight), "\(kind)")
        }
    }

    /// Continuing with another batch size cuts the file back to its last whole batch of the new size.
    func testContinuingWithAnotherBatchSizeStartsFromAWholeBatch() throws {
        let firstStage = tinyFirstStage(.kl), dataset = SyntheticImages(count: 10)
        let straight = folder.file("straight.h5"), split = folder.file("split.h5")
        try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "none", to: straight, batchSize: 4)
        struct Stop: Error {}
        _ = try? LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "none", to: split,
                                   batchSize: 4) { _, _ in throw Stop() }
        XCTAssertEqual(try HDF5File.open(split).intAttribute("count"), 4)
        let result = try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "none", to: split,
                                           batchSize: 3)
        XCTAssertEqual(result.resumedAt, 3)
        XCTAssertEqual(try cacheContents(split), try cacheContents(straight))
    }

    func testACompleteCacheIsLeftAsItIs() throws {
        let firstStage = tinyFirstStage(.kl), dataset = SyntheticImages(count: 4)
        let url = folder.file("done.h5")
        try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "none", to: url)
        let before = try Data(contentsOf: url)
        let result = try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "none", to: url) { _, _ in
            XCTFail("nothing should be encoded again")
        }
        XCTAssertEqual(result, LatentCacheBuildResult(resumedAt: 4, count: 4, total: 4, isComplete: true, replacedSamples: 0))
        XCTAssertEqual(try Data(contentsOf: url), before)
    }

    /// A second run checks a complete cache that a first run is reading from: the check opens it
    /// read-only (a writable open would need the file to itself).
    func testACompleteCacheInUseByAReaderIsCheckedWithoutWriting() throws {
        let firstStage = tinyFirstStage(.kl), dataset = SyntheticImages(count: 4)
        let url = folder.file("shared.h5")
        try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "none", to: url)
        let reader = try LatentCache(contentsOf: url)
        let result = try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "none", to: url)
        XCTAssertTrue(result.isComplete)
        XCTAssertEqual(try reader.latents(rows: [0]).shape, [1, 2, 16, 16])
    }

    func testACacheOfAnotherFirstStageOrDatasetIsNotContinuedUnlessRebuilding() throws {
        let dataset = SyntheticImages(count: 4)
        let url = folder.file("cache.h5")
        try LatentCache.build(firstStage: tinyFirstStage(.kl, seed: 1), dataset: dataset, transform: "pad 2", to: url)
        let other = tinyFirstStage(.kl, seed: 2)
        XCTAssertThrowsError(try LatentCache.build(firstStage: other, dataset: dataset, transform: "pad 2", to: url)) { error in
            guard case .identityMismatch(url.relativePath, "first stage", let detail)? = error as? LatentCacheError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(detail.contains("SHA-256"), detail)
        }
        XCTAssertThrowsError(try LatentCache.build(firstStage: tinyFirstStage(.vq), dataset: dataset, transform: "pad 2",
                                                   to: url)) { error in
            XCTAssertEqual("\(error)", "\(url.relativePath): latent cache of another first stage: made by an "
                           + "autoencoder-kl, not an autoencoder-vq; rebuild the cache for this first stage")
        }
        XCTAssertThrowsError(try LatentCache.build(firstStage: tinyFirstStage(.kl, seed: 1), dataset: dataset,
                                                   transform: "pad 4", to: url)) { error in
            XCTAssertEqual(error as? LatentCacheError, .identityMismatch(
                file: url.relativePath, what: "dataset", detail: "made with transform 'pad 2', not 'pad 4'"))
        }
        let result = try LatentCache.build(firstStage: other, dataset: dataset, transform: "pad 2", to: url, rebuild: true)
        XCTAssertEqual(result.resumedAt, 0)
        XCTAssertNoThrow(try LatentCache(contentsOf: url).checkFirstStage(other))
    }

    func testAFileThatIsNotACacheIsNotReplacedUnlessRebuilding() throws {
        let firstStage = tinyFirstStage(.kl), dataset = SyntheticImages(count: 4)
        let text = folder.file("notes.h5")
        try Data("my notes".utf8).write(to: text)
        XCTAssertThrowsError(try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "", to: text)) { error in
            XCTAssertEqual("\(error)", "\(text.relativePath): cannot be read as a latent cache "
                           + "(not an HDF5 file); it is replaced only when rebuilding")
        }
        XCTAssertEqual(try Data(contentsOf: text), Data("my notes".utf8))

        let foreign = folder.file("foreign.h5")
        try HDF5File.create(at: foreign).createDataset("weights", of: .float32, shape: [1, 2]).write([1, 2] as [Float], atRow: 0)
        XCTAssertThrowsError(try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "", to: foreign)) { error in
            XCTAssertEqual(error as? LatentCacheError, .refusingToReplace(
                file: foreign.relativePath, reason: "not a swift-ldm latent cache (no 'format' attribute)"))
        }
        XCTAssertTrue(try HDF5File.open(foreign).contains("weights"))
        XCTAssertTrue(try LatentCache.build(firstStage: firstStage, dataset: dataset, transform: "", to: foreign,
                                            rebuild: true).isComplete)
    }

    func testUnusableSettingsAreClearErrors() throws {
        let url = folder.file("cache.h5")
        XCTAssertThrowsError(try LatentCache.build(firstStage: tinyFirstStage(.kl), dataset: SyntheticImages(count: 4),
                                                   transform: "", to: url, batchSize: 0)) { error in
            XCTAssertEqual(error as? DatasetError, .invalidParameter(name: "batch size", value: 0, expected: "at least 1"))
        }
        XCTAssertThrowsError(try LatentCache.build(firstStage: tinyFirstStage(.kl), dataset: SyntheticImages(count: 0),
                                                   transform: "", to: url)) { error in
            XCTAssertEqual("\(error)", "synthetic: samples is 0; expected at least 1")
        }
        var rgb = tinyAutoencoderConfig()
        rgb.model.architecture.inChannels = 3
        var generator = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try LatentCache.build(firstStage: FirstStage.build(rgb.model, generator: &generator),
                                                   dataset: SyntheticImages(count: 4), transform: "", to: url)) { error in
            XCTAssertEqual("\(error)", "synthetic: image channels is 1; expected 3, the first stage's input channels")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }

    func testAFirstStageWhoseLatentsAreAllEqualGivesNoScaleFactor() throws {
        let firstStage = tinyFirstStage(.vq)
        try firstStage.module.load(stateDict: firstStage.module.stateDict().mapValues { Tensor.zeros($0.shape) })
        let url = folder.file("collapsed.h5")
        XCTAssertThrowsError(try LatentCache.build(firstStage: firstStage, dataset: SyntheticImages(count: 4),
                                                   transform: "", to: url)) { error in
            XCTAssertEqual(error as? LatentCacheError, .degenerateLatents(file: url.relativePath, standardDeviation: 0))
        }
    }
}
