import Foundation
import TensorCore
import TestSupport
import WeightIO
import XCTest

final class SafeTensorsTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var folder: URL { temporary.url }

    override func setUpWithError() throws { temporary = try TemporaryFolder() }
    override func tearDownWithError() throws { try temporary.remove() }

    /// A file written by Python's safetensors package (Scripts/fixtures/safetensors_fixture.py).
    func testReadsAFileWrittenByPython() throws {
        let file = try SafeTensors.read(contentsOf: Fixtures.url("safetensors/python.safetensors"))
        let expected = try Fixtures.load("safetensors/expected")
        XCTAssertEqual(Set(file.tensors.keys), Set(expected.keys))
        for (name, tensor) in expected {
            XCTAssertEqual(file.tensors[name]?.shape, tensor.shape, name)
            XCTAssertEqual(file.tensors[name]?.scalars.map(\.bitPattern), tensor.scalars.map(\.bitPattern), name)
        }
        XCTAssertEqual(file.dtypes, ["f32.matrix": .float32, "f32.scalar": .float32, "f32.empty": .float32,
                                     "f16.vector": .float16, "bf16.cube": .bfloat16, "f64.column": .float64,
                                     "i64.counter": .int64])
        XCTAssertEqual(file.metadata, ["format": "pt", "source": "swift-ldm fixture"])
    }

    /// Writes the Python fixture's tensors and reads them back bit-exactly. With LDM_SAFETENSORS_CROSSCHECK set
    /// to a path, also leaves the file there for `safetensors_fixture.py --check`.
    func testRoundTripIsBitExact() throws {
        let tensors = try SafeTensors.read(contentsOf: Fixtures.url("safetensors/python.safetensors")).tensors
        let metadata = ["format": "pt", "source": "swift-ldm fixture"]
        let url = folder.appendingPathComponent("weights.safetensors")
        try SafeTensors.write(tensors, metadata: metadata, to: url)
        if let crossCheck = ProcessInfo.processInfo.environment["LDM_SAFETENSORS_CROSSCHECK"] {
            try SafeTensors.write(tensors, metadata: metadata, to: URL(fileURLWithPath: crossCheck))
        }

        let file = try SafeTensors.read(contentsOf: url)
        XCTAssertEqual(file.metadata, metadata)
        XCTAssertEqual(Set(file.dtypes.values), [.float32])
        XCTAssertEqual(file.tensors.mapValues(\.shape), tensors.mapValues(\.shape))
        XCTAssertEqual(file.tensors.mapValues { $0.scalars.map(\.bitPattern) }, tensors.mapValues { $0.scalars.map(\.bitPattern) })

        let bytes = try Data(contentsOf: url)
        let headerLength = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual((8 + headerLength) % 8, 0, "the data section starts 8-byte aligned")
    }

    func testWritingReplacesAnExistingFileAndLeavesNoTemporaryFile() throws {
        let url = folder.appendingPathComponent("weights.safetensors")
        try SafeTensors.write(["a": Tensor.ones([3])], to: url)
        try SafeTensors.write(["b": Tensor(shape: [2], scalars: [1.5, -2])], to: url)
        let file = try SafeTensors.read(contentsOf: url)
        XCTAssertEqual(file.tensors.mapValues(\.scalars), ["b": [1.5, -2]])
        XCTAssertEqual(file.metadata, [:])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["weights.safetensors"])
    }

    func testWritingIntoAMissingFolderFailsNamingTheFile() {
        let url = folder.appendingPathComponent("absent/weights.safetensors")
        XCTAssertThrowsError(try SafeTensors.write(["a": Tensor.ones([1])], to: url)) { error in
            guard let error = error as? SafeTensorsError, case .unwritable = error.problem else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(error.path, url.path)
        }
    }

    /// IEEE 754 binary16 specials, from the bit layout (sign, 5 exponent bits, 10 fraction bits).
    func testHalfPrecisionSpecialValues() throws {
        let halves: [UInt16] = [0x7C00, 0xFC00, 0x7E00, 0x0001, 0x03FF, 0x0400, 0x3C00, 0x8000, 0xC000]
        var bytes = safetensorsBytes(header: #"{"h":{"dtype":"F16","shape":[9],"data_offsets":[0,18]}}"#,
                                     dataByteCount: 0)
        for half in halves { bytes += littleEndian(half) }
        let values = try SafeTensors.read(contentsOf: temporary.file(containing: bytes)).tensors["h"]!.scalars
        XCTAssertEqual(values[0], .infinity)
        XCTAssertEqual(values[1], -.infinity)
        XCTAssertTrue(values[2].isNaN)
        XCTAssertEqual(values[3], 0x1p-24)
        XCTAssertEqual(values[4], 1023 * 0x1p-24)
        XCTAssertEqual(values[5], 0x1p-14)
        XCTAssertEqual(values[6], 1)
        XCTAssertEqual(values[7].bitPattern, (-0.0 as Float).bitPattern)
        XCTAssertEqual(values[8], -2)
    }
}
