import Foundation

/// torch.save's format before the zip archive (`_use_new_zipfile_serialization=False`; PyTorch's
/// `_legacy_save`): five pickles, then each storage as a little-endian Int64 element count followed
/// by its raw little-endian bytes.
///
/// The pickles hold the magic number, the protocol version (1001), the writer's system info, the
/// object (its tensors name storages by persistent id), and the list of storage keys in the order
/// their bytes follow. Offsets in errors are bytes of the file.
enum LegacyCheckpointFormat {
    /// torch.save's magic number 0x1950a86a20f9469cfc6c, as pickle's LONG1 stores it (little-endian).
    static let magicNumber: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    static let protocolVersion = 1001

    static func read(_ file: Data) throws -> CheckpointContents {
        typealias Problem = PyTorchCheckpointError.Problem
        return try file.withUnsafeBytes { raw in
            let magic = try Unpickler.unpickle(raw, stream: "the magic-number pickle")
            guard case .value(.bigInt(let bytes)) = magic.root, bytes == magicNumber else {
                throw Problem.wrongMagicNumber(found: magic.root.kindDescription)
            }
            let version = try Unpickler.unpickle(raw, from: magic.end, stream: "the protocol-version pickle")
            guard version.root.intValue == protocolVersion else {
                throw Problem.unsupportedLegacyVersion(found: version.root.kindDescription)
            }
            let systemInfo = try Unpickler.unpickle(raw, from: version.end, stream: "the system-info pickle")
            if case .dict(let info) = systemInfo.root,
               info.entries.contains(where: { $0.key.stringValue == "little_endian" && $0.value.isFalse }) {
                throw Problem.bigEndian
            }
            let main = try Unpickler.unpickle(raw, from: systemInfo.end, stream: "the main pickle")
            let keyList = try Unpickler.unpickle(raw, from: main.end, stream: "the storage-key pickle")
            let keys = try storageKeys(keyList.root, declared: main.storages)
            var storages: [String: TorchStorage] = [:], position = keyList.end
            for key in keys {
                storages[key] = try storage(main.storages[key]!, in: file, raw, at: &position)
            }
            return CheckpointContents(root: main.root, storages: storages)
        }
    }

    /// The key list, checked against the storages the main pickle declared.
    private static func storageKeys(_ list: PickleSlot, declared: [String: StorageReference]) throws -> [String] {
        typealias Problem = PyTorchCheckpointError.Problem
        guard let items = list.tupleOrListItems else {
            throw Problem.invalidStorageList(reason: "it is \(list.kindDescription), not a list")
        }
        let keys = try items.map { item in
            guard let key = item.stringValue else { throw Problem.invalidStorageList(reason: "it holds \(item.kindDescription)") }
            guard declared[key] != nil else { throw Problem.invalidStorageList(reason: "no tensor refers to its storage \(key)") }
            return key
        }
        let listed = Set(keys)
        if let missing = declared.keys.sorted().first(where: { !listed.contains($0) }) {
            throw Problem.missingStorage(key: missing, location: "not in the storage-key list")
        }
        return keys
    }

    /// The storage whose element count is at `position`, which moves past its bytes.
    private static func storage(_ reference: StorageReference, in file: Data, _ raw: UnsafeRawBufferPointer,
                                at position: inout Int) throws -> TorchStorage {
        typealias Problem = PyTorchCheckpointError.Problem
        let key = reference.key, width = reference.dtype.byteWidth
        guard position + 8 <= raw.count else {
            throw Problem.truncated(what: "storage \(key)'s element count", byteRange: position..<(position + 8), fileByteCount: raw.count)
        }
        let count = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: Int64.self))
        guard count == reference.elementCount else {
            let (countBytes, overflow) = Int(truncatingIfNeeded: count).multipliedReportingOverflow(by: width)
            throw Problem.storageSizeMismatch(key: key, expectedBytes: reference.elementCount * width,
                                              actualBytes: overflow ? .max : countBytes)
        }
        let start = position + 8, byteCount = reference.elementCount * width
        guard byteCount <= raw.count - start else {
            throw Problem.truncated(what: "storage \(key)'s \(byteCount) bytes", byteRange: start..<(start + byteCount),
                                    fileByteCount: raw.count)
        }
        let end = start + byteCount
        position = end
        return TorchStorage(key: key, dtype: reference.dtype, bytes: file[(file.startIndex + start)..<(file.startIndex + end)])
    }
}

private extension PickleSlot {
    var isFalse: Bool { if case .value(.bool(false)) = self { true } else { false } }
}
