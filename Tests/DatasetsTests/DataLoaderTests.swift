import Datasets
import Foundation
import TensorCore
import XCTest

final class DataLoaderTests: XCTestCase {
    private func take(_ count: Int, from loader: DataLoader) throws -> [Batch] {
        try (0..<count).map { _ in try loader.next() }
    }

    func testEachEpochVisitsEveryIndexOnceInBatchesOfTheRequestedShape() throws {
        let loader = try DataLoader(dataset: CountingDataset(count: 10), batchSize: 3, seed: 4)
        XCTAssertEqual(loader.batchesPerEpoch, 3)  // the tenth index is dropped each epoch
        for epoch in 0..<2 {
            let batches = try take(3, from: loader)
            XCTAssertEqual(batches.map(\.images.shape), [[3, 1, 2, 2], [3, 1, 2, 2], [3, 1, 2, 2]])
            XCTAssertEqual(batches.map(\.position), (0..<3).map { LoaderState(epoch: epoch, batch: $0) })
            let indices = batches.flatMap(\.indices)
            XCTAssertEqual(Set(indices).count, 9)
            XCTAssertEqual(batches.flatMap { $0.labels! }, indices.map { $0 % 2 })
        }
        XCTAssertEqual(loader.state, LoaderState(epoch: 2, batch: 0))
    }

    func testWithoutDropLastTheLastBatchIsSmaller() throws {
        let loader = try DataLoader(dataset: CountingDataset(count: 10), batchSize: 4, shuffle: false, dropLast: false, seed: 0)
        XCTAssertEqual(loader.batchesPerEpoch, 3)
        XCTAssertEqual(try take(4, from: loader).map(\.indices), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3]])
    }

    func testShuffleDiffersPerEpochAndPerSeedAndRepeatsForTheSameSeed() throws {
        func epochs(seed: UInt64) throws -> [[Int]] {
            let loader = try DataLoader(dataset: CountingDataset(count: 32), batchSize: 32, seed: seed)
            return try take(3, from: loader).map(\.indices)
        }
        let a = try epochs(seed: 1)
        XCTAssertEqual(a, try epochs(seed: 1))
        XCTAssertNotEqual(a[0], a[1])
        XCTAssertNotEqual(a[1], a[2])
        XCTAssertNotEqual(a[0], try epochs(seed: 2)[0])
        XCTAssertNotEqual(a[0], Array(0..<32))
    }

    func testAugmentationDependsOnlyOnSeedEpochAndSlot() throws {
        // The same seed gives identical batches with or without prefetching, and whatever the pace.
        let background = try DataLoader(dataset: CountingDataset(count: 12), batchSize: 4, seed: 7)
        let inline = try DataLoader(dataset: CountingDataset(count: 12), batchSize: 4, seed: 7, prefetch: false)
        for _ in 0..<6 {
            Thread.sleep(forTimeInterval: 0.002)
            XCTAssertEqual(try background.next().images.scalars, try inline.next().images.scalars)
        }
        // A sample's augmentation draw changes from epoch to epoch.
        let loader = try DataLoader(dataset: CountingDataset(count: 4), batchSize: 4, shuffle: false, seed: 7)
        XCTAssertNotEqual(try loader.next().images.scalars, try loader.next().images.scalars)
    }

    func testResumingFromASavedStateRepeatsTheUninterruptedBatches() throws {
        let dataset = CountingDataset(count: 11)
        let original = try DataLoader(dataset: dataset, batchSize: 3, seed: 99)
        _ = try take(5, from: original)  // crosses into the second epoch (3 batches per epoch)
        let saved = try JSONDecoder().decode(LoaderState.self, from: JSONEncoder().encode(original.state))
        XCTAssertEqual(saved, LoaderState(epoch: 1, batch: 2))
        let uninterrupted = try take(3, from: original)

        let resumed = try DataLoader(dataset: dataset, batchSize: 3, seed: 99, state: saved)
        let replayed = try take(3, from: resumed)
        XCTAssertEqual(replayed.map(\.images.scalars), uninterrupted.map(\.images.scalars))
        XCTAssertEqual(replayed.map(\.position), uninterrupted.map(\.position))
    }

    func testUnreadableSamplesAreReplacedByTheNextIndexAndCounted() throws {
        let dataset = CountingDataset(count: 6, unreadable: [2, 3, 5])
        let loader = try DataLoader(dataset: dataset, batchSize: 6, shuffle: false, seed: 0)
        let batch = try loader.next()
        XCTAssertEqual(batch.indices, [0, 1, 4, 4, 4, 0])
        XCTAssertEqual(batch.replacedSamples, 3)
        _ = try loader.next()
        XCTAssertEqual(loader.replacedSampleCount, 6)
    }

    func testNothingReadableIsAnError() throws {
        let loader = try DataLoader(dataset: CountingDataset(count: 3, unreadable: [0, 1, 2]), batchSize: 2, seed: 0)
        XCTAssertThrowsError(try loader.next()) { error in
            XCTAssertEqual("\(error)", "counting: none of its 3 images could be read (see the warnings above)")
        }
    }

    func testBadSettingsAreClearErrors() {
        XCTAssertThrowsError(try DataLoader(dataset: CountingDataset(count: 3), batchSize: 4, seed: 0)) { error in
            XCTAssertEqual("\(error)", "batch size is 4; expected at most the 3 samples of counting "
                           + "when the last partial batch is dropped")
        }
        XCTAssertThrowsError(try DataLoader(dataset: CountingDataset(count: 3), batchSize: 0, seed: 0)) { error in
            XCTAssertEqual("\(error)", "batch size is 0; expected at least 1")
        }
        XCTAssertThrowsError(try DataLoader(dataset: CountingDataset(count: 8), batchSize: 4, seed: 0,
                                            state: LoaderState(epoch: 3, batch: 2))) { error in
            XCTAssertEqual("\(error)", "saved loader position epoch 3, batch 2 does not fit an epoch of 2 batches "
                           + "(was it saved with another dataset or batch size?)")
        }
    }
}
