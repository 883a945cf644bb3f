import Foundation
import TestSupport
import WeightIO
import XCTest

/// Damaged, foreign and unsupported files give errors that name the file, the problem and where.
final class PyTorchCheckpointErrorTests: XCTestCase {
    private typealias Bytes = LegacyCheckpointBytes
    private var temporary: TemporaryFolder!

    override func setUpWithError() throws { temporary = try TemporaryFolder() }
    override func tearDownWithError() throws { try temporary.remove() }

    func testMissingFile() {
        let url = temporary.url.appendingPathComponent("absent.pt")
        XCTAssertThrowsError(try PyTorchCheckpoint(contentsOf: url)) { error in
            guard let error = error as? PyTorchCheckpointError, case .unreadable = error.problem else { return XCTFail("\(error)") }
            XCTAssertEqual(error.path, url.path)
        }
    }

    func testNotACheckpoint() throws {
        try expect(.unrecognizedFormat(leadingBytes: Array("GIF8".utf8)), reading: Data("GIF89a…".utf8),
                   saying: "is neither a zip archive nor a legacy torch.save file: it begins with bytes 47 49 46 38")
    }

    func testPickleThatIsNotTorchSaves() throws {
        try expect(.wrongMagicNumber(found: "a dict of 0"), reading: Data([0x80, 0x02, 0x7D, 0x2E]),
                   saying: "its first pickle is a dict of 0, not the magic number")
        var otherNumber = Bytes.magicPickle
        otherNumber[4] = 0x00
        try expect(.wrongMagicNumber(found: "a 10-byte int"), reading: Data(otherNumber))
    }

    func testUnsupportedLegacyVersionAndByteOrder() throws {
        try expect(.unsupportedLegacyVersion(found: "the int 1000"),
                   reading: Data(Bytes.magicPickle + [0x80, 0x02, 0x4D, 0xE8, 0x03, 0x2E]))
        let bigEndianInfo: [UInt8] = [0x80, 0x02, 0x7D] + Bytes.unicode("little_endian") + [0x89, 0x73, 0x2E]
        try expect(.bigEndian, reading: Data(Bytes.magicPickle + Bytes.versionPickle + bigEndianInfo))
    }

    func testMalformedPickles() throws {
        let main = Bytes.header.count  // where the main pickle starts
        let cases: [([UInt8], PickleError)] = [
            ([0x80, 0x02, 0xFF], PickleError(offset: main + 2, reason: .unknownOpcode(0xFF))),
            ([0x80, 0x02, 0x53, 0x27, 0x61, 0x27, 0x0A, 0x2E], PickleError(offset: main + 2, reason: .unsupportedOpcode("STRING"))),
            ([0x80, 0x06, 0x2E], PickleError(offset: main, reason: .unsupportedProtocol(6))),
            ([0x80, 0x02, 0x68, 0x05, 0x2E], PickleError(offset: main + 2, reason: .badMemoIndex(5))),
            ([0x80, 0x02, 0x2E], PickleError(offset: main + 2, reason: .stackUnderflow(opcode: "STOP"))),
            ([0x80, 0x02, 0x4E, 0x74, 0x2E], PickleError(offset: main + 3, reason: .missingMark(opcode: "TUPLE"))),
            ([0x80, 0x02, 0x58, 0xFF, 0x00, 0x00, 0x00, 0x61], PickleError(offset: main + 2, reason: .truncated)),
            ([0x80, 0x02, 0x4B, 0x00, 0x4B, 0x01, 0x4B, 0x02, 0x73, 0x2E],
             PickleError(offset: main + 8, reason: .unexpectedValue(opcode: "SETITEM", expected: "a dict", found: "the int 0"))),
        ]
        for (pickle, error) in cases {
            try expect(.pickle(stream: "the main pickle", error), reading: Bytes.file(main: pickle), saying: "byte \(error.offset)")
        }
        try expect(.pickle(stream: "the main pickle", PickleError(offset: main + 3, reason: .truncated)),
                   reading: Data(Bytes.header + [0x80, 0x02, 0x4E]), saying: "at byte \(main + 3): the stream ends early")
        try expect(.pickle(stream: "the main pickle", PickleError(offset: main + 2, reason: .unknownOpcode(0xFF))),
                   reading: Bytes.file(main: [0x80, 0x02, 0xFF]),
                   saying: "has a bad pickle in the main pickle: at byte \(main + 2): unknown opcode 0xff")
    }

    func testListThatContainsItself() throws {
        // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP: l = []; l.append(l)
        try expect(.cyclicReference(at: "root[0]"), reading: Bytes.file(main: [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E]))
    }

    func testContainersNestedTooDeeply() throws {
        // 300 EMPTY_LISTs, each appended to the one before: [[[…]]]
        let pickle = [0x80, 0x02] + [UInt8](repeating: 0x5D, count: 300) + [UInt8](repeating: 0x61, count: 299) + [0x2E]
        try expect(.nestedTooDeeply(at: "root[0][0][0][0][0]…", depth: 256), reading: Bytes.file(main: pickle),
                   saying: "nests containers 256 deep")
    }

    func testHandMadeTensorReads() throws {
        let url = try temporary.file(containing: Bytes.tensorFile(size: 2, declaredCount: 2, values: [1.5, -2]))
        let checkpoint = try PyTorchCheckpoint(contentsOf: url)
        XCTAssertEqual(checkpoint.root.tensorValue?.floatValues(), [1.5, -2])
        XCTAssertThrowsError(try checkpoint.tensors()) { error in
            XCTAssertEqual(error as? PyTorchCheckpointError,
                           PyTorchCheckpointError(path: url.path, problem: .noStateDict(reason: "its top level is a float32 tensor of shape [2], not a dict")))
        }
    }

    func testTensorReachingPastItsStorage() throws {
        let reason = "size [3], stride [1] and offset 0 that reach element 2 of a storage of 2 elements"
        let reduceOffset = Bytes.header.count + Bytes.tensorPickle(size: 3, declaredCount: 2).count - 2
        try expect(.pickle(stream: "the main pickle", PickleError(offset: reduceOffset, reason:
                    .invalidTensorArguments(function: "torch._utils._rebuild_tensor_v2", reason: reason))),
                   reading: Bytes.tensorFile(size: 3, declaredCount: 2, values: [1, 2]))
    }

    func testLegacyStorageProblems() throws {
        try expect(.storageSizeMismatch(key: "k", expectedBytes: 8, actualBytes: 12),
                   reading: Bytes.tensorFile(size: 2, declaredCount: 2, values: [1, 2], writtenCount: 3))
        try expect(.missingStorage(key: "k", location: "not in the storage-key list"),
                   reading: Bytes.tensorFile(size: 2, declaredCount: 2, values: [1, 2], listed: false))
    }

    func testTruncatedLegacyFile() throws {
        let whole = try Data(contentsOf: Fixtures.url("pytorch/legacy.pth"))
        let url = try temporary.file(containing: whole.prefix(whole.count - 3))
        XCTAssertThrowsError(try PyTorchCheckpoint(contentsOf: url)) { error in
            guard let error = error as? PyTorchCheckpointError, case .truncated(_, let range, let count) = error.problem else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(range.upperBound, whole.count)
            XCTAssertEqual(count, whole.count - 3)
            XCTAssertTrue("\(error)".contains("\(url.path) is truncated: storage"), "\(error)")
        }
        let cutInPickle = try temporary.file(containing: whole.prefix(300))
        XCTAssertThrowsError(try PyTorchCheckpoint(contentsOf: cutInPickle)) { error in
            guard let error = error as? PyTorchCheckpointError, case .pickle(stream: "the main pickle", let pickleError) = error.problem else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(pickleError.reason, .truncated)
        }
    }

    func testTruncatedZip() throws {
        let whole = try Data(contentsOf: Fixtures.url("pytorch/tensors.pt"))
        try expect(.invalidZip(reason: "it has no end-of-central-directory record (cut short?)"), reading: whole.prefix(whole.count / 2),
                   saying: "is a damaged zip archive")
    }

    func testCorruptZipEntry() throws {
        var bytes = try Data(contentsOf: Fixtures.url("pytorch/tensors.pt"))
        let pickleStart = try XCTUnwrap(bytes.range(of: Data([0x80, 0x02, 0x7D, 0x71, 0x00, 0x28]))).lowerBound
        bytes[pickleStart + 10] ^= 0xFF
        let url = try temporary.file(containing: bytes)
        XCTAssertThrowsError(try PyTorchCheckpoint(contentsOf: url)) { error in
            guard let error = error as? PyTorchCheckpointError, case .corruptZipEntry(entry: "tensors/data.pkl", reason: let reason) = error.problem else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(reason.contains("CRC-32"), reason)
        }
    }

    func testCorruptDeflateStream() throws {
        var bytes = try Data(contentsOf: Fixtures.url("pytorch/deflated.pt"))
        bytes[30 + "tensors/data.pkl".count + 20] ^= 0xFF  // inside data.pkl's deflate stream
        let url = try temporary.file(containing: bytes)
        XCTAssertThrowsError(try PyTorchCheckpoint(contentsOf: url)) { error in
            guard let error = error as? PyTorchCheckpointError, case .corruptZipEntry(entry: "tensors/data.pkl", _) = error.problem else {
                return XCTFail("\(error)")
            }
        }
    }

    func testUnsupportedZipEntries() throws {
        let bytes = try Data(contentsOf: Fixtures.url("pytorch/deflated.pt"))
        // The first central directory entry is data.pkl's: its flags at +8, its method at +10.
        let directoryEntry = try XCTUnwrap(bytes.range(of: Data([0x50, 0x4B, 0x01, 0x02]))).lowerBound
        var bzip2 = bytes
        bzip2[directoryEntry + 10] = 12
        try expect(.unsupportedZipEntry(entry: "tensors/data.pkl", reason: "compressed by method 12 (only stored, 0, and deflate, 8, are supported)"),
                   reading: bzip2)
        var renamed = bytes
        renamed[directoryEntry + 46 + "tensors/data.pk".count] = UInt8(ascii: "x")
        try expect(.missingZipEntry("<folder>/data.pkl"), reading: renamed, saying: "lacks the zip entry <folder>/data.pkl")
        var encrypted = bytes
        encrypted[directoryEntry + 8] |= 1
        try expect(.unsupportedZipEntry(entry: "tensors/data.pkl", reason: "encrypted"), reading: encrypted,
                   saying: "has zip entry tensors/data.pkl, which is encrypted")
    }

    func testUnsupportedDType() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("pytorch/expected.json"))) as? [String: Any]
        let expected = try XCTUnwrap((json?["complex.pt"] as? [String: Any])?["error_offset"] as? Int)
        let url = Fixtures.url("pytorch/complex.pt")
        XCTAssertThrowsError(try PyTorchCheckpoint(contentsOf: url)) { error in
            let problem = PyTorchCheckpointError.Problem.pickle(
                stream: "complex/data.pkl", PickleError(offset: expected, reason: .unsupportedStorageType("torch.ComplexFloatStorage")))
            XCTAssertEqual(error as? PyTorchCheckpointError, PyTorchCheckpointError(path: url.path, problem: problem))
            XCTAssertTrue("\(error)".contains("storage type torch.ComplexFloatStorage is not supported (supported: torch.DoubleStorage"))
        }
    }

    func testMissingStorageEntry() throws {
        let url = Fixtures.url("pytorch/missing-storage.pt")
        XCTAssertThrowsError(try PyTorchCheckpoint(contentsOf: url)) { error in
            XCTAssertEqual(error as? PyTorchCheckpointError,
                           PyTorchCheckpointError(path: url.path, problem: .missingStorage(key: "0", location: "zip entry tensors/data/0")))
            XCTAssertEqual("\(error)", "PyTorch checkpoint \(url.path) lacks storage 0 (zip entry tensors/data/0), which a tensor refers to")
        }
    }

    private func expect(_ problem: PyTorchCheckpointError.Problem, reading bytes: Data, saying message: String? = nil,
                        file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try temporary.file(containing: bytes)
        XCTAssertThrowsError(try PyTorchCheckpoint(contentsOf: url), file: file, line: line) { error in
            XCTAssertEqual(error as? PyTorchCheckpointError, PyTorchCheckpointError(path: url.path, problem: problem), file: file, line: line)
            let description = "\(error)"
            XCTAssertTrue(description.hasPrefix("PyTorch checkpoint \(url.path) "), description, file: file, line: line)
            if let message { XCTAssertTrue(description.contains(message), description, file: file, line: line) }
        }
    }
}
