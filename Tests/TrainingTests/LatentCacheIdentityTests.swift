import Datasets
import Foundation
import TensorCore
import TestSupport
import Training
import XCTest

/// The identity digests against hashlib's (Scripts/fixtures/latent_cache.py).
final class LatentCacheIdentityTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Weights: Decodable {
            let shapes: [String: [Int]]
            let sha256: String
        }
        struct ToyDataset: Decodable {
            let name: String
            let count: Int
            let channels: Int
            let classes: [String]
            let sources: [String]?
            let transform: String
            let sha256: String
        }
        let weights: [String: Weights]
        let datasets: [String: ToyDataset]
    }

    private func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Fixtures.url("latent_cache.json")))
    }

    /// A dataset that only describes itself; reading a sample is not needed for a fingerprint.
    private struct Toy: ImageDataset {
        let name: String
        let count: Int
        let channels: Int
        let classNames: [String]

        func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
            throw UnreadableSample(source: "\(name) #\(index)", message: "a toy has no pixels")
        }
    }

    private struct ListedToy: ImageDataset, SampleSourceListing {
        let toy: Toy
        let sources: [String]
        var name: String { toy.name }
        var count: Int { toy.count }
        var channels: Int { toy.channels }
        var classNames: [String] { toy.classNames }

        func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
            try toy.sample(at: index, generator: &generator)
        }

        func sampleSource(at index: Int) -> String { sources[index] }
    }

    func testWeightsDigestMatchesHashlib() throws {
        for (name, weights) in try fixture().weights {
            let tensors = weights.shapes.mapValues { shape in
                Tensor(shape: shape, scalars: (0..<shapeCount(shape)).map { Float($0 % 17 - 8) / 8 })
            }
            XCTAssertEqual(LatentCacheIdentity.weightsDigest(tensors), weights.sha256, name)
        }
    }

    func testDatasetFingerprintMatchesHashlib() throws {
        for (name, expected) in try fixture().datasets {
            let toy = Toy(name: expected.name, count: expected.count, channels: expected.channels,
                          classNames: expected.classes)
            let dataset: any ImageDataset = expected.sources.map { ListedToy(toy: toy, sources: $0) } ?? toy
            XCTAssertEqual(LatentCacheIdentity.datasetFingerprint(dataset, transform: expected.transform),
                           expected.sha256, name)
        }
    }

    func testTheFingerprintOfAnImageFolderCoversItsFiles() throws {
        let folder = Fixtures.url("datasets/classes")
        let dataset = try ImageFolderDataset(folder: folder, channels: 3)
        let listing = try XCTUnwrap(dataset as Any as? SampleSourceListing)
        XCTAssertEqual((0..<dataset.count).map(listing.sampleSource), dataset.files)
        let unlisted = Toy(name: dataset.name, count: dataset.count, channels: 3, classNames: dataset.classNames)
        XCTAssertNotEqual(LatentCacheIdentity.datasetFingerprint(dataset, transform: ""),
                          LatentCacheIdentity.datasetFingerprint(unlisted, transform: ""))
        XCTAssertNotEqual(LatentCacheIdentity.datasetFingerprint(dataset, transform: ""),
                          LatentCacheIdentity.datasetFingerprint(dataset, transform: "flip 0.5"))
    }
}
