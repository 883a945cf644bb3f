import Foundation

/// Hand-made legacy torch.save files, for the error tests: the three header pickles, a main pickle,
/// a storage-key pickle and storages, each written byte by byte.
enum LegacyCheckpointBytes {
    /// The magic-number pickle: LONG1 of torch.save's 0x1950a86a20f9469cfc6c.
    static let magicPickle: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
    /// The protocol-version pickle: BININT2 1001.
    static let versionPickle: [UInt8] = [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E]
    /// An empty system-info dict.
    static let systemInfoPickle: [UInt8] = [0x80, 0x02, 0x7D, 0x2E]
    static let header = magicPickle + versionPickle + systemInfoPickle
    /// An empty storage-key list.
    static let noStorageKeys: [UInt8] = [0x80, 0x02, 0x5D, 0x2E]

    /// A file whose main pickle is `main` and that has no storages.
    static func file(main: [UInt8]) -> Data { Data(header + main + noStorageKeys) }

    /// A main pickle that is one float32 tensor, `_rebuild_tensor_v2(storage, 0, (size,), (1,), False, {})`
    /// of storage "k" declared to hold `declaredCount` elements. Its next-to-last byte is REDUCE.
    static func tensorPickle(size: Int, declaredCount: Int) -> [UInt8] {
        var main: [UInt8] = [0x80, 0x02] + global("torch._utils", "_rebuild_tensor_v2") + [0x28]  // MARK
        main += [0x28] + unicode("storage") + global("torch", "FloatStorage") + unicode("k") + unicode("cpu")
        main += [0x4B, UInt8(declaredCount), 0x4E, 0x74, 0x51]  // count, None, TUPLE, BINPERSID
        main += [0x4B, 0x00, 0x4B, UInt8(size), 0x85, 0x4B, 0x01, 0x85, 0x89, 0x7D]  // 0, (size,), (1,), False, {}
        return main + [0x74, 0x52, 0x2E]  // TUPLE, REDUCE, STOP
    }

    /// A file holding `tensorPickle`, then storage "k" with `values` (claiming `writtenCount`
    /// elements), listed in the storage-key pickle only when `listed`.
    static func tensorFile(size: Int, declaredCount: Int, values: [Float], writtenCount: Int? = nil, listed: Bool = true) -> Data {
        let keys: [UInt8] = listed ? [0x80, 0x02, 0x5D] + unicode("k") + [0x61, 0x2E] : noStorageKeys
        var storage = withUnsafeBytes(of: Int64(writtenCount ?? values.count).littleEndian, Array.init)
        for value in values { storage += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        return Data(header + tensorPickle(size: size, declaredCount: declaredCount) + keys + storage)
    }

    /// GLOBAL `module name`.
    static func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }

    /// BINUNICODE `text`.
    static func unicode(_ text: String) -> [UInt8] {
        [0x58] + withUnsafeBytes(of: UInt32(text.utf8.count).littleEndian, Array.init) + Array(text.utf8)
    }
}
