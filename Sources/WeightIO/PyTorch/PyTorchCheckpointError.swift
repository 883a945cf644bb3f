/// Why a PyTorch checkpoint could not be read: the file, and what was wrong with it.
public struct PyTorchCheckpointError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public enum Problem: Error, Equatable {
        /// The file could not be opened or read.
        case unreadable(reason: String)
        /// The file starts like neither a zip archive nor a pickle.
        case unrecognizedFormat(leadingBytes: [UInt8])
        /// A legacy file's first pickle is not torch.save's magic number.
        case wrongMagicNumber(found: String)
        /// A legacy file's protocol version is not 1001, the one torch.save writes.
        case unsupportedLegacyVersion(found: String)
        /// The tensors' bytes are big-endian.
        case bigEndian
        /// A pickle stream (named as `stream`) is malformed or uses something this reader does not support.
        case pickle(stream: String, PickleError)
        /// The file ends inside a legacy file's storage section.
        case truncated(what: String, byteRange: Range<Int>, fileByteCount: Int)
        /// The zip container is damaged.
        case invalidZip(reason: String)
        /// The zip archive lacks an entry the format needs.
        case missingZipEntry(String)
        /// A zip entry is encrypted, or compressed by a method other than stored (0) or deflate (8).
        case unsupportedZipEntry(entry: String, reason: String)
        /// A zip entry's bytes do not inflate or do not match their checksum.
        case corruptZipEntry(entry: String, reason: String)
        /// A tensor refers to a storage the file does not hold (`location`: where it was looked for).
        case missingStorage(key: String, location: String)
        /// A storage holds a different number of bytes than the tensors' pickle declares.
        case storageSizeMismatch(key: String, expectedBytes: Int, actualBytes: Int)
        /// A legacy file's list of storage keys does not match the storages its tensors refer to.
        case invalidStorageList(reason: String)
        /// A container holds itself; pickles of state dicts never do.
        case cyclicReference(at: String)
        /// Containers are nested deeper than the reader follows (256 levels).
        case nestedTooDeeply(at: String, depth: Int)
        /// The state dict is not a dict (or has no tensors under the asked prefix).
        case noStateDict(reason: String)
    }

    public var description: String {
        let what: String = switch problem {
        case .unreadable(let reason): "cannot be read: \(reason)"
        case .unrecognizedFormat(let bytes):
            "is neither a zip archive nor a legacy torch.save file: it begins with bytes \(hex(bytes))"
        case .wrongMagicNumber(let found): "is not a legacy torch.save file: its first pickle is \(found), not the magic number"
        case .unsupportedLegacyVersion(let found): "has legacy protocol version \(found); only 1001 is supported"
        case .bigEndian: "was written on a big-endian machine; only little-endian tensors are supported"
        case .pickle(let stream, let error): "has a bad pickle in \(stream): \(error)"
        case .truncated(let what, let range, let count):
            "is truncated: \(what) needs bytes \(range.lowerBound)..<\(range.upperBound), but the file has only \(count) bytes"
        case .invalidZip(let reason): "is a damaged zip archive: \(reason)"
        case .missingZipEntry(let name): "lacks the zip entry \(name)"
        case .unsupportedZipEntry(let entry, let reason): "has zip entry \(entry), which is \(reason)"
        case .corruptZipEntry(let entry, let reason): "has a corrupt zip entry \(entry): \(reason)"
        case .missingStorage(let key, let location): "lacks storage \(key) (\(location)), which a tensor refers to"
        case .storageSizeMismatch(let key, let expected, let actual):
            "has storage \(key) of \(actual) bytes, but its tensors' pickle declares \(expected)"
        case .invalidStorageList(let reason): "has a bad list of storage keys: \(reason)"
        case .cyclicReference(let place): "holds a container that contains itself, at \(place)"
        case .nestedTooDeeply(let place, let depth): "nests containers \(depth) deep, deeper than this reader follows, at \(place)"
        case .noStateDict(let reason): "has no state dict to read: \(reason)"
        }
        return "PyTorch checkpoint \(path) \(what)"
    }
}

/// A malformed or unsupported pickle: where (the byte offset of the opcode, in the file for legacy
/// files, in the zip entry otherwise) and what.
public struct PickleError: Error, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: Reason

    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    public enum Reason: Error, Equatable {
        /// The stream ends before `STOP` or inside an opcode's argument.
        case truncated
        case unknownOpcode(UInt8)
        /// An opcode of pickle this reader does not implement, by its name in Python's `pickletools`.
        case unsupportedOpcode(String)
        case unsupportedProtocol(Int)
        /// A memo read of an index nothing was stored at.
        case badMemoIndex(Int)
        /// An opcode needs more values than the stack (above the last mark) holds.
        case stackUnderflow(opcode: String)
        /// An opcode that collects the items above a mark found no mark.
        case missingMark(opcode: String)
        /// An opcode's operand is not what it must be.
        case unexpectedValue(opcode: String, expected: String, found: String)
        /// A text argument (protocol 0) or a string is not valid.
        case invalidText(opcode: String)
        /// A persistent id names a storage class this reader cannot decode, such as `torch.ComplexFloatStorage`.
        case unsupportedStorageType(String)
        /// A PyTorch rebuild function got arguments it cannot use.
        case invalidTensorArguments(function: String, reason: String)
        /// Two persistent ids give one storage key different dtypes or sizes.
        case conflictingStorage(key: String)
    }

    public var description: String {
        let what: String = switch reason {
        case .truncated: "the stream ends early"
        case .unknownOpcode(let byte): "unknown opcode 0x\(hex([byte]))"
        case .unsupportedOpcode(let name): "opcode \(name) is not supported"
        case .unsupportedProtocol(let version): "pickle protocol \(version) is not supported (0–5 are)"
        case .badMemoIndex(let index): "memo index \(index) was never stored"
        case .stackUnderflow(let opcode): "\(opcode) needs more values than the stack holds"
        case .missingMark(let opcode): "\(opcode) finds no mark on the stack"
        case .unexpectedValue(let opcode, let expected, let found): "\(opcode) expects \(expected), found \(found)"
        case .invalidText(let opcode): "\(opcode) has an invalid text argument"
        case .unsupportedStorageType(let name):
            "storage type \(name) is not supported (supported: "
                + TorchDType.allCases.map { "torch.\($0.storageClassName)" }.joined(separator: ", ") + ")"
        case .invalidTensorArguments(let function, let reason): "\(function) got \(reason)"
        case .conflictingStorage(let key): "storage \(key) is declared twice with different dtypes or sizes"
        }
        return "at byte \(offset): \(what)"
    }
}

/// Bytes as space-separated hex, such as `50 4b 03 04`.
private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ")
}
