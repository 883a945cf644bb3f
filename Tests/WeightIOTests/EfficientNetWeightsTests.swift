import Foundation
import TestSupport
import WeightIO
import XCTest

/// The real EfficientNet-Lite0 weights (PyTorch's legacy format, fetched by `make setup`) read as
/// `torch.load` reads them. The file is required: without it this test fails, naming how to fetch it.
final class EfficientNetWeightsTests: XCTestCase {
    func testReadsEveryTensor() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("pytorch/expected.json"))) as? [String: Any]
        let expected = try XCTUnwrap(json?["efficientnet-lite0"] as? [String: Any])
        let checkpoint = try PyTorchCheckpoint(contentsOf: try PretrainedWeights.efficientNetLite0())
        XCTAssertEqual(checkpoint.format, .legacy)

        let tensors = try checkpoint.tensors()
        XCTAssertEqual(tensors.count, expected["tensor_count"] as? Int)
        XCTAssertEqual(checkpoint.root.entries?.first?.key.stringValue, expected["first_key"] as? String)
        let integers = tensors.filter { !$0.value.dtype.isFloatingPoint }
        XCTAssertEqual(integers.count, expected["integer_tensor_count"] as? Int)
        for (key, count) in try XCTUnwrap(expected["num_batches_tracked"] as? [String: Int]) {
            XCTAssertEqual(tensors[key]?.integerValues(), [Int64(count)], key)
        }

        let weights = try checkpoint.stateDict()
        XCTAssertEqual(weights.count, expected["float_tensor_count"] as? Int)
        XCTAssertEqual(weights.values.reduce(0) { $0 + $1.count }, expected["float_parameter_count"] as? Int)
        let stem = try XCTUnwrap(weights["_conv_stem.weight"])
        XCTAssertEqual(stem.shape, expected["conv_stem_shape"] as? [Int])
        XCTAssertEqual(Array(stem.scalars.prefix(3)), (expected["conv_stem_first_values"] as? [Double])?.map(Float.init))
        let last = try XCTUnwrap(weights[try XCTUnwrap(expected["last_key"] as? String)])
        XCTAssertEqual(Array(last.scalars.prefix(3)), (expected["last_values"] as? [Double])?.map(Float.init))
    }
}
