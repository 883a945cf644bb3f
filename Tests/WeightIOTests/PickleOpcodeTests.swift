import Foundation
import TestSupport
import WeightIO
import XCTest

/// The pickle opcodes torch.save's own files rarely use: protocols 0 and 1 (pickled by Python, in
/// expected.json) and hand-made streams for the rest, each read inside a hand-made legacy file.
final class PickleOpcodeTests: XCTestCase {
    private typealias Bytes = LegacyCheckpointBytes
    private var temporary: TemporaryFolder!

    override func setUpWithError() throws { temporary = try TemporaryFolder() }
    override func tearDownWithError() throws { try temporary.remove() }

    func testProtocolsZeroAndOne() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("pytorch/expected.json"))) as? [String: Any]
        for protocolName in ["protocol-0", "protocol-1"] {
            let entry = try XCTUnwrap(json?[protocolName] as? [String: Any])
            let pickle = bytes(hex: try XCTUnwrap(entry["pickle"] as? String))
            var matcher = PickleFixtureMatcher()
            matcher.match(try value(of: pickle), try XCTUnwrap(entry["value"]))
            XCTAssertEqual(matcher.differences, [], protocolName)
        }
    }

    func testHandMadeStreams() throws {
        let m = Array("m\nC\n".utf8)  // the global m.C
        let cases: [(String, [UInt8], String)] = [
            ("POP", [0x80, 0x02, 0x4B, 0x01, 0x4B, 0x02, 0x30, 0x2E], #"{"int": "1"}"#),
            ("POP_MARK", [0x80, 0x02, 0x4B, 0x01, 0x28, 0x4B, 0x02, 0x4B, 0x03, 0x31, 0x2E], #"{"int": "1"}"#),
            ("DUP", [0x80, 0x02, 0x4B, 0x01, 0x32, 0x86, 0x2E], #"{"tuple": [{"int": "1"}, {"int": "1"}]}"#),
            ("LONG4", [0x80, 0x02, 0x8B, 0x02, 0x00, 0x00, 0x00, 0xFF, 0x7F, 0x2E], #"{"int": "32767"}"#),
            ("LONG1 negative", [0x80, 0x02, 0x8A, 0x02, 0x00, 0xFF, 0x2E], #"{"int": "-256"}"#),
            ("LONG1 9 bytes that fit", [0x80, 0x02, 0x8A, 0x09] + [UInt8](repeating: 0xFF, count: 9) + [0x2E], #"{"int": "-1"}"#),
            ("SHORT_BINSTRING", [0x55, 0x02] + Array("hi".utf8) + [0x2E], #"{"str": "hi"}"#),
            ("BINSTRING, not UTF-8", [0x54, 0x01, 0x00, 0x00, 0x00, 0xFF, 0x2E], #"{"bytes": "ff"}"#),
            ("BINUNICODE8", [0x8D] + le(UInt64(2)) + Array("ok".utf8) + [0x2E], #"{"str": "ok"}"#),
            ("BINBYTES8 + READONLY_BUFFER", [0x8E] + le(UInt64(1)) + [0x07, 0x98, 0x2E], #"{"bytes": "07"}"#),
            ("INST", [0x28, 0x69] + m + [0x2E],
             #"{"object": {"type": "m.C", "args": [], "state": null, "list_items": [], "dict_items": []}}"#),
            ("OBJ + BUILD", [0x28, 0x63] + m + [0x4B, 0x01, 0x6F, 0x4E, 0x62, 0x2E],
             #"{"object": {"type": "m.C", "args": [{"int": "1"}], "state": null, "list_items": [], "dict_items": []}}"#),
            ("NEWOBJ_EX", [0x80, 0x04, 0x63] + m + [0x29, 0x7D, 0x92, 0x4B, 0x05, 0x61, 0x2E],
             #"{"object": {"type": "m.C", "args": [], "state": null, "list_items": [{"int": "5"}], "dict_items": []}}"#),
            ("torch.Size", [0x80, 0x02, 0x63] + Array("torch\nSize\n".utf8) + [0x4B, 0x02, 0x4B, 0x03, 0x86, 0x85, 0x52, 0x2E],
             #"{"tuple": [{"int": "2"}, {"int": "3"}]}"#),
        ]
        for (name, pickle, expected) in cases {
            var matcher = PickleFixtureMatcher()
            matcher.match(try value(of: pickle), try JSONSerialization.jsonObject(with: Data(expected.utf8)))
            XCTAssertEqual(matcher.differences, [], name)
        }
    }

    /// The value of `pickle` read as the main pickle of a legacy file.
    private func value(of pickle: [UInt8]) throws -> PickleValue {
        try PyTorchCheckpoint(contentsOf: try temporary.file(containing: Bytes.file(main: pickle))).root
    }

    private func le(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }

    private func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }
}
