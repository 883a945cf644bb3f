import Foundation
import Models
import NN
import TensorCore
import TestSupport
import XCTest

/// EfficientNet-Lite0 with its ImageNet weights against the reference network in PyTorch
/// (Scripts/fixtures/efficientnet_lite0.py): logits on four photos, and stage features.
final class EfficientNetLite0ParityTests: XCTestCase {
    private static let photos = ["chicky_512", "smarties", "graf1", "rubberwhale1"]

    /// A photo's crop for the fixture's [top, left, size] in [0, 1], ImageNet-normalised, [1, 3, size, size].
    private func normalizedCrop(_ url: URL, _ crop: [Int]) throws -> Tensor {
        let image = try imageTensor(url, channels: 3, scale: 1 / 255, offset: 0)
        let square = cropped(image, top: crop[0], left: crop[1], height: crop[2], width: crop[2])
        let mean = Tensor(shape: [1, 3, 1, 1], scalars: EfficientNetLite0.imageNetMean)
        let deviation = Tensor(shape: [1, 3, 1, 1], scalars: EfficientNetLite0.imageNetStandardDeviation)
        return (square - mean) / deviation
    }

    func testLogitsAndTopClassMatchPyTorchOnPhotos() throws {
        let fixture = try Fixtures.load("efficientnet_lite0")
        let network = try EfficientNetLite0(pyTorchStateDict: loadEfficientNetLite0Weights())
        let images = try Self.photos.map { name in
            try normalizedCrop(photoDirectory.appendingPathComponent("\(name).png"),
                               fixture.tensor("\(name).crop").scalars.map { Int($0) })
        }
        let logits = withoutGradients { network.logits(Tensor.concatenate(images, axis: 0)) }
        for (index, name) in Self.photos.enumerated() {
            let expected = try fixture.tensor("\(name).logits").scalars
            let actual = logits.sliced(axis: 0, range: index..<(index + 1)).scalars
            let range = expected.max()! - expected.min()!
            assertClose(actual, expected, rtol: 0, atol: 1e-3 * range, name)
            let top = actual.indices.max { actual[$0] < actual[$1] }!
            XCTAssertEqual(Float(top), try fixture.tensor("\(name).top1").scalar, name)
        }
    }

    func testStageFeaturesMatchPyTorch() throws {
        let fixture = try Fixtures.load("efficientnet_lite0")
        let network = try EfficientNetLite0(pyTorchStateDict: loadEfficientNetLite0Weights())
        let image = try normalizedCrop(Fixtures.url("efficientnet_lite0/pair0-a.png"), [0, 0, 64])
        let features = withoutGradients { network.features(image, stages: Array(1...7)) }
        for (index, output) in features.enumerated() {
            let expected = try fixture.tensor("features.stage\(index + 1)")
            let scale = expected.scalars.map(abs).max()!
            assertClose(output.sliced(axis: 1, range: 0..<4), expected, rtol: 0, atol: 1e-4 * scale, "stage \(index + 1)")
        }
    }

    func testWeightsFileHoldsExactlyTheNetworksTensors() throws {
        var generator = SeededGenerator(seed: 0)
        let network = EfficientNetLite0(generator: &generator)
        let references = Set(try loadEfficientNetLite0Weights().keys.filter { !$0.hasSuffix(".num_batches_tracked") })
        let ours = Set(network.stateDict().keys.compactMap(EfficientNetLite0Keys.pyTorchKey))
        XCTAssertEqual(ours, references)
        XCTAssertEqual(references.count, 296 - 49)
    }
}
