import Foundation
import TensorCore
import TestSupport
import WeightIO
import XCTest

/// Damaged files give errors that name the file and the problem.
final class SafeTensorsErrorTests: XCTestCase {
    private var temporary: TemporaryFolder!

    override func setUpWithError() throws { temporary = try TemporaryFolder() }
    override func tearDownWithError() throws { try temporary.remove() }

    func testMissingFile() {
        let url = temporary.url.appendingPathComponent("absent.safetensors")
        XCTAssertThrowsError(try SafeTensors.read(contentsOf: url)) { error in
            guard let error = error as? SafeTensorsError, case .unreadable = error.problem else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(error.path, url.path)
        }
    }

    func testTruncatedLength() throws {
        try expect(.truncated(byteCount: 5), reading: Data([1, 0, 0, 0, 0]))
    }

    func testHeaderLengthPastTheEnd() throws {
        try expect(.headerLengthPastEnd(headerLength: 100, fileByteCount: 18),
                   reading: littleEndian(UInt64(100)) + Data(count: 10))
    }

    func testPythonFileCutShort() throws {
        let whole = try Data(contentsOf: Fixtures.url("safetensors/python.safetensors"))
        let cut = whole.prefix(whole.count - 10)
        let url = try temporary.file(containing: cut)
        XCTAssertThrowsError(try SafeTensors.read(contentsOf: url)) { error in
            guard let error = error as? SafeTensorsError, case .offsetsOutOfRange(let tensor, _, _, _) = error.problem else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(tensor, "f16.vector")
            XCTAssertTrue("\(error)".contains(url.path))
        }
    }

    func testGarbageHeader() throws {
        try expectInvalidHeader(reading: safetensorsBytes(header: "{\"a\": [1, 2", dataByteCount: 0))
        try expectInvalidHeader(reading: safetensorsBytes(header: "[1, 2]", dataByteCount: 0))
        try expectInvalidHeader(reading: safetensorsBytes(header: #"{"a": {"dtype": "F32", "shape": [1]}}"#, dataByteCount: 4))
        try expectInvalidHeader(reading: safetensorsBytes(header: #"{"__metadata__": {"n": 1}}"#, dataByteCount: 0))
        try expectInvalidHeader(reading: littleEndian(UInt64(4)) + Data([0xFF, 0xFE, 0x00, 0x7B]))
    }

    func testUnknownDType() throws {
        let header = #"{"q": {"dtype": "F8_E4M3", "shape": [2], "data_offsets": [0, 2]}}"#
        try expect(.unknownDType(tensor: "q", dtype: "F8_E4M3"), reading: safetensorsBytes(header: header, dataByteCount: 2))
    }

    func testOffsetsOutOfRange() throws {
        let past = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#
        try expect(.offsetsOutOfRange(tensor: "a", begin: 4, end: 12, dataByteCount: 8),
                   reading: safetensorsBytes(header: past, dataByteCount: 8))
        let reversed = #"{"a": {"dtype": "F32", "shape": [0], "data_offsets": [4, 0]}}"#
        try expect(.offsetsOutOfRange(tensor: "a", begin: 4, end: 0, dataByteCount: 8),
                   reading: safetensorsBytes(header: reversed, dataByteCount: 8))
    }

    func testOverlappingTensors() throws {
        let header = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F16", "shape": [2], "data_offsets": [6, 10]}}"#
        try expect(.overlappingTensors("a", "b"), reading: safetensorsBytes(header: header, dataByteCount: 10))
    }

    func testShapeAndByteCountDisagree() throws {
        let header = #"{"a": {"dtype": "BF16", "shape": [2, 3], "data_offsets": [0, 8]}}"#
        try expect(.byteCountMismatch(tensor: "a", shape: [2, 3], dtype: "BF16", expected: 12, actual: 8),
                   reading: safetensorsBytes(header: header, dataByteCount: 8))
    }

    func testMessageNamesTheFileAndTheProblem() {
        let error = SafeTensorsError(path: "/tmp/w.safetensors",
                                     problem: .byteCountMismatch(tensor: "a", shape: [2, 3], dtype: "BF16", expected: 12, actual: 8))
        XCTAssertEqual("\(error)", "safetensors file /tmp/w.safetensors has tensor a of shape [2, 3] and dtype BF16 in 8 bytes instead of 12")
    }

    private func expect(_ problem: SafeTensorsError.Problem, reading bytes: Data,
                        file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try temporary.file(containing: bytes)
        XCTAssertThrowsError(try SafeTensors.read(contentsOf: url), file: file, line: line) { error in
            XCTAssertEqual(error as? SafeTensorsError, SafeTensorsError(path: url.path, problem: problem), file: file, line: line)
        }
    }

    private func expectInvalidHeader(reading bytes: Data, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try temporary.file(containing: bytes)
        XCTAssertThrowsError(try SafeTensors.read(contentsOf: url), file: file, line: line) { error in
            guard let error = error as? SafeTensorsError, case .invalidHeader = error.problem else {
                return XCTFail("expected an invalid header, got \(error)", file: file, line: line)
            }
        }
    }
}
