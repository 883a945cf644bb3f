import Models
import NN
import TensorCore
import TestSupport
import XCTest

/// EfficientNet-Lite0's structure, padding and key names, on random weights.
final class EfficientNetLite0Tests: XCTestCase {
    private static let network: EfficientNetLite0 = {
        var generator = SeededGenerator(seed: 1)
        return EfficientNetLite0(generator: &generator)
    }()

    func testSamePaddingIsTensorFlows() {
        // (size, kernel, stride) → padding: total max((⌈size/stride⌉ − 1)·stride + kernel − size, 0), odd one after.
        let cases: [(Int, Int, Int, Int, Int)] = [
            (224, 3, 2, 0, 1), (56, 5, 2, 1, 2), (7, 3, 1, 1, 1), (14, 5, 1, 2, 2),
            (5, 3, 2, 1, 1), (3, 5, 2, 2, 2), (4, 5, 2, 1, 2), (8, 1, 1, 0, 0),
        ]
        for (size, kernel, stride, before, after) in cases {
            let padding = SamePaddedConv2d.samePadding(size: size, kernel: kernel, stride: stride)
            XCTAssertEqual([padding.before, padding.after], [before, after], "size \(size), kernel \(kernel), stride \(stride)")
        }
    }

    func testParameterCountIsTheReferences() {
        // sum(p.numel() for p in EfficientNet.from_name("efficientnet-lite0").parameters()) in PyTorch.
        XCTAssertEqual(Self.network.parameterCount, 4_652_008)
        XCTAssertEqual(Self.network.namedParameters().count, 149)
        XCTAssertEqual(Self.network.namedBuffers().count, 98)  // PyTorch's 147 less 49 num_batches_tracked
    }

    func testStageFeaturesHaveTheTableShapes() {
        let images = Tensor.zeros([1, 3, 40, 56])
        let shapes = Self.network.features(images, stages: Array(1...7)).map(\.shape)
        // "Same" padding: each stride-2 stage gives ⌈size/2⌉ (40 → 20 → 10 → 5 → 3 → 2; 56 → 28 → 14 → 7 → 4 → 2).
        XCTAssertEqual(shapes, [[1, 16, 20, 28], [1, 24, 10, 14], [1, 40, 5, 7], [1, 80, 3, 4],
                                [1, 112, 3, 4], [1, 192, 2, 2], [1, 320, 2, 2]])
        XCTAssertEqual(Self.network.features(images, stages: [3, 1]).map(\.shape), [[1, 40, 5, 7], [1, 16, 20, 28]])
        XCTAssertEqual(Self.network.logits(Tensor.zeros([2, 3, 32, 32])).shape, [2, 1000])
    }

    func testResidualOnlyWhereStrideIsOneAndChannelsStay() {
        let withResidual = Self.network.blocks.enumerated().filter(\.element.hasResidual).map(\.offset)
        XCTAssertEqual(withResidual, [2, 4, 6, 7, 9, 10, 12, 13, 14])
    }

    func testKeysTranslateBothWays() {
        let pairs = [
            ("stem.weight", "_conv_stem.weight"), ("stemNorm.running_mean", "_bn0.running_mean"),
            ("blocks.0.depthwise.weight", "_blocks.0._depthwise_conv.weight"),
            ("blocks.3.expandNorm.bias", "_blocks.3._bn0.bias"), ("blocks.15.projectNorm.weight", "_blocks.15._bn2.weight"),
            ("blocks.7.depthwiseNorm.running_var", "_blocks.7._bn1.running_var"),
            ("head.weight", "_conv_head.weight"), ("headNorm.weight", "_bn1.weight"), ("classifier.bias", "_fc.bias"),
        ]
        for (swift, pyTorch) in pairs {
            XCTAssertEqual(EfficientNetLite0Keys.pyTorchKey(swift), pyTorch)
            XCTAssertEqual(EfficientNetLite0Keys.swiftKey(pyTorch), swift)
        }
        for key in ["_bn2.weight", "_blocks.x._bn0.weight", "_blocks.1._fc.weight", "conv_stem.weight", "_fc"] {
            XCTAssertNil(EfficientNetLite0Keys.swiftKey(key), key)
        }
        for (key, _) in Self.network.namedParameters() {
            XCTAssertEqual(EfficientNetLite0Keys.pyTorchKey(key).flatMap(EfficientNetLite0Keys.swiftKey), key)
        }
    }

    /// The random network's own weights under the reference's keys, with PyTorch's counters.
    private func referenceStateDict() -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (key, tensor) in Self.network.stateDict() { result[EfficientNetLite0Keys.pyTorchKey(key)!] = tensor }
        result["_bn0.num_batches_tracked"] = Tensor(0)
        return result
    }

    func testLoadsTheReferencesStateDict() throws {
        let loaded = try EfficientNetLite0(pyTorchStateDict: referenceStateDict())
        var generator = SeededGenerator(seed: 3)
        let images = Tensor.randomNormal([1, 3, 32, 32], using: &generator)
        XCTAssertEqual(loaded.logits(images).scalars, Self.network.logits(images).scalars)
    }

    func testLoadErrorsNameTheReferenceKey() {
        var generator = SeededGenerator(seed: 2)
        let network = EfficientNetLite0(generator: &generator)
        var missing = referenceStateDict()
        missing["_blocks.15._bn2.running_var"] = nil
        XCTAssertThrowsError(try network.load(pyTorchStateDict: missing)) {
            XCTAssertEqual($0 as? StateDictError, .missingKey("_blocks.15._bn2.running_var"))
        }
        var unexpected = referenceStateDict()
        unexpected["_blocks.3._se_reduce.weight"] = Tensor.zeros([4])
        XCTAssertThrowsError(try network.load(pyTorchStateDict: unexpected)) {
            XCTAssertEqual($0 as? StateDictError, .unexpectedKey("_blocks.3._se_reduce.weight"))
        }
        var tenClasses = referenceStateDict()
        tenClasses["_fc.weight"] = Tensor.zeros([10, 1280])
        XCTAssertThrowsError(try network.load(pyTorchStateDict: tenClasses)) {
            XCTAssertEqual($0 as? StateDictError, .shapeMismatch(key: "_fc.weight", checkpoint: [10, 1280], model: [1000, 1280]))
            XCTAssertEqual(String(describing: $0), "_fc.weight: checkpoint [10,1280], model [1000,1280]")
        }
    }
}
