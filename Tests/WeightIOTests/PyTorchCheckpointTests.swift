import Foundation
import TensorCore
import TestSupport
import WeightIO
import XCTest

/// torch.save files of both formats read as `torch.load` reads them (Scripts/fixtures/pytorch_checkpoints.py).
final class PyTorchCheckpointTests: XCTestCase {
    private static let expected: [String: Any] = {
        let data = try! Data(contentsOf: Fixtures.url("pytorch/expected.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    private func checkpoint(_ name: String) throws -> PyTorchCheckpoint {
        try PyTorchCheckpoint(contentsOf: Fixtures.url("pytorch/\(name)"))
    }

    func testEveryFixtureHoldsWhatTorchLoads() throws {
        let formats: [String: PyTorchCheckpoint.Format] = [
            "legacy.pth": .legacy, "tensors.pt": .zip, "deflated.pt": .zip, "values-protocol2.pt": .zip,
            "values-protocol5.pt": .zip, "lightning.ckpt": .zip,
        ]
        for (name, format) in formats.sorted(by: { $0.key < $1.key }) {
            let checkpoint = try checkpoint(name)
            XCTAssertEqual(checkpoint.format, format, name)
            var matcher = PickleFixtureMatcher()
            matcher.match(checkpoint.root, Self.expected[name]!)
            XCTAssertEqual(matcher.differences, [], name)
        }
    }

    func testViewsAndSharedStorage() throws {
        let tensors = try checkpoint("tensors.pt").tensors()
        let base = try XCTUnwrap(tensors["float32"]), transposed = try XCTUnwrap(tensors["transposed"])
        XCTAssertEqual(transposed.floatTensor().scalars, base.floatTensor().transposed().scalars)
        XCTAssertEqual(transposed.storageKey, base.storageKey)
        let slice = try XCTUnwrap(tensors["slice"])  // base[1:, 1:3]
        XCTAssertEqual(slice.storageKey, base.storageKey)
        XCTAssertEqual(slice.storageOffset, 5)
        XCTAssertEqual(slice.floatValues(), [5, 6, 9, 10].map { base.floatValues()[$0] })
        XCTAssertEqual(tensors["expanded"]?.strides, [0, 1])
        XCTAssertEqual(tensors["expanded"]?.floatValues(), [1, 2, 3, 1, 2, 3])
    }

    func testStateDictFlattensNestedDictsAndKeepsTheFloatTensors() throws {
        let checkpoint = try checkpoint("tensors.pt")
        let floats = try checkpoint.stateDict()
        XCTAssertEqual(Set(floats.keys), [
            "float32", "transposed", "slice", "expanded", "channels_last", "float64", "float16", "bfloat16",
            "scalar", "empty", "parameter", "nested.inner.b", "nested.inner.a",
        ])
        XCTAssertEqual(floats["nested.inner.a"]?.scalars, [2])
        XCTAssertEqual(floats["scalar"]?.shape, [])
        XCTAssertEqual(floats["empty"]?.shape, [0, 3])
        XCTAssertEqual(floats["float16"]?.scalars, [1, -2.5, 0x1p-24, -0.0, 65504, 0.0999755859375])
        let all = try checkpoint.tensors()
        XCTAssertEqual(all["int64"]?.integerValues(), [7, -3, 1 << 40, -(1 << 40)])
        XCTAssertEqual(all["int32"]?.integerValues(), [Int64(Int32.min), Int64(Int32.max)])
        XCTAssertEqual(all["bool"]?.integerValues(), [1, 0, 1])
        XCTAssertEqual(all["uint8"]?.dtype, .uint8)
        XCTAssertNil(all["float32"]?.integerValues())
    }

    func testLightningCheckpoint() throws {
        let checkpoint = try checkpoint("lightning.ckpt")
        XCTAssertEqual(checkpoint.root["global_step"]?.intValue, 1200)
        XCTAssertEqual(checkpoint.root["epoch"]?.intValue, 5)
        XCTAssertEqual(checkpoint.root["hyper_parameters"]?["learning_rate"]?.doubleValue, 4.5e-6)
        XCTAssertEqual(checkpoint.root["hyper_parameters"]?["monitor"]?.stringValue, "val/rec_loss")

        let firstStage = try checkpoint.stateDict(prefix: "first_stage_model.")
        XCTAssertEqual(Set(firstStage.keys), ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"])
        XCTAssertEqual(firstStage["0.weight"]?.shape, [2, 1, 1, 1])
        XCTAssertEqual(try checkpoint.tensors(prefix: "first_stage_model.")["1.num_batches_tracked"]?.integerValues(), [0])
        XCTAssertEqual(Set(try checkpoint.stateDict(prefix: "model.").keys), ["weight", "bias"])

        let adam = try XCTUnwrap(checkpoint.root["optimizer_states"]?.elements?.first)
        let betas = adam["param_groups"]?.elements?.first?["betas"]?.elements?.compactMap(\.doubleValue)
        XCTAssertEqual(betas, [0.9, 0.999])
        let firstState = try XCTUnwrap(adam["state"]?.entries?.first)
        XCTAssertEqual(firstState.key.intValue, 0)
        XCTAssertEqual(firstState.value["exp_avg"]?.tensorValue?.shape, [2, 3])
        XCTAssertEqual(firstState.value["step"]?.tensorValue?.floatValues(), [1])
    }

    func testPrefixThatMatchesNoKeyIsAnError() throws {
        let checkpoint = try checkpoint("lightning.ckpt")
        XCTAssertThrowsError(try checkpoint.stateDict(prefix: "cond_stage_model.")) { error in
            let description = "\(error)"
            XCTAssertTrue(description.contains(checkpoint.path), description)
            XCTAssertTrue(description.contains("no tensor key begins with \"cond_stage_model.\""), description)
            XCTAssertTrue(description.contains("first_stage_model, model"), description)
        }
    }
}
