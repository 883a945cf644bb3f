import Datasets
import Foundation
import TensorCore
import TestSupport
import Training
import XCTest

final class LatentCacheBatchesTests: XCTestCase {
    private static var folder: CacheFolder!
    /// A KL cache and a VQ cache of 10 synthetic images, built once for the whole class.
    private static var kl: LatentCache!
    private static var vq: LatentCache!

    override class func setUp() {
        do {
            folder = try CacheFolder("latent-batches")
            for (kind, name) in [(AutoencoderModelConfig.Kind.kl, "kl.h5"), (.vq, "vq.h5")] {
                try LatentCache.build(firstStage: tinyFirstStage(kind), dataset: SyntheticImages(count: 10),
                                      transform: "none", to: folder.file(name), batchSize: 5)
            }
            kl = try LatentCache(contentsOf: folder.file("kl.h5"))
            vq = try LatentCache(contentsOf: folder.file("vq.h5"))
        } catch {
            XCTFail("could not build the caches: \(error)")
        }
    }

    override class func tearDown() { folder.remove() }

    func testEachEpochVisitsEveryRowOnceInANewOrderWithScaledLatentsAndTheirLabels() throws {
        let cache = Self.kl!
        let batches = try LatentBatches(cache: cache, batchSize: 4, dropLast: false, latents: .mean, seed: 3)
        XCTAssertEqual(batches.batchesPerEpoch, 3)
        var orders: [[Int]] = []
        for epoch in 0..<2 {
            var rows: [Int] = []
            for index in 0..<3 {
                let batch = try batches.next()
                XCTAssertEqual(batch.position, LoaderState(epoch: epoch, batch: index))
                XCTAssertEqual(batch.count, index < 2 ? 4 : 2)
                assertClose(batch.latents, try cache.latents(rows: batch.rows) * Float(cache.scaleFactor))
                XCTAssertEqual(batch.labels, batch.rows.map { $0 % 2 })
                XCTAssertNil(batch.captions)
                rows += batch.rows
            }
            XCTAssertEqual(rows.sorted(), Array(0..<10))
            orders.append(rows)
        }
        XCTAssertNotEqual(orders[0], orders[1])
        XCTAssertNotEqual(orders[0], Array(0..<10))
    }

    func testUnshuffledBatchesFollowTheCacheAndDropTheLastPartialBatch() throws {
        let batches = try LatentBatches(cache: Self.vq, batchSize: 4, shuffle: false, seed: 3)
        XCTAssertEqual(batches.batchesPerEpoch, 2)
        XCTAssertEqual(try batches.next().rows, [0, 1, 2, 3])
        XCTAssertEqual(try batches.next().rows, [4, 5, 6, 7])
        XCTAssertEqual(try batches.next().rows, [0, 1, 2, 3])
    }

    /// KL posterior samples: fresh noise every epoch, mean + σ·ε on average; a VQ cache gives its latents.
    func testPosteriorSamplesVaryAroundTheMean() throws {
        let cache = Self.kl!
        let batches = try LatentBatches(cache: cache, batchSize: 10, shuffle: false, seed: 3)
        let first = try batches.next(), second = try batches.next()
        XCTAssertNotEqual(first.latents.scalars, second.latents.scalars)
        let scale = Float(cache.scaleFactor)
        let (mean, logVariance) = try cache.posterior(rows: Array(0..<10))
        // (sample − mean) / σ over the 5,120 values of one batch is standard normal.
        let standardised = zip(zip(first.latents.scalars, mean.scalars), logVariance.scalars).map { pair, logVariance in
            Double((pair.0 / scale - pair.1) / Foundation.exp(0.5 * logVariance))
        }
        let average = standardised.reduce(0, +) / Double(standardised.count)
        let variance = standardised.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(standardised.count)
        XCTAssertEqual(average, 0, accuracy: 0.06)
        XCTAssertEqual(variance, 1, accuracy: 0.08)

        let vqBatches = try LatentBatches(cache: Self.vq, batchSize: 10, shuffle: false, seed: 3)
        XCTAssertEqual(try vqBatches.next().latents.scalars,
                       (try Self.vq.latents(rows: Array(0..<10)) * Float(Self.vq.scaleFactor)).scalars)
    }

    /// A loader made from a saved (JSON round-tripped) position returns exactly the batches the
    /// original returns next, across an epoch boundary, posterior noise included.
    func testResumingFromASavedPositionIsExact() throws {
        let original = try LatentBatches(cache: Self.kl, batchSize: 3, seed: 11)
        for _ in 0..<4 { _ = try original.next() }
        let saved = try JSONEncoder().encode(original.state)
        let resumed = try LatentBatches(cache: Self.kl, batchSize: 3, seed: 11,
                                        state: try JSONDecoder().decode(LoaderState.self, from: saved))
        for _ in 0..<5 {
            let expected = try original.next(), actual = try resumed.next()
            XCTAssertEqual(actual.position, expected.position)
            XCTAssertEqual(actual.rows, expected.rows)
            XCTAssertEqual(actual.latents.scalars, expected.latents.scalars)
        }
    }

    func testUnusableSettingsAreClearErrors() throws {
        let path = Self.kl.url.relativePath
        XCTAssertThrowsError(try LatentBatches(cache: Self.kl, batchSize: 11, seed: 0)) { error in
            XCTAssertEqual("\(error)", "batch size is 11; expected at least 1 and at most the 10 latents of \(path)")
        }
        XCTAssertThrowsError(try LatentBatches(cache: Self.kl, batchSize: 0, dropLast: false, seed: 0)) { error in
            XCTAssertEqual("\(error)", "batch size is 0; expected at least 1")
        }
        XCTAssertThrowsError(try LatentBatches(cache: Self.kl, batchSize: 5, seed: 0,
                                               state: LoaderState(epoch: 1, batch: 2))) { error in
            XCTAssertEqual(error as? DatasetError, .invalidLoaderState(epoch: 1, batch: 2, batchesPerEpoch: 2))
        }
    }
}
