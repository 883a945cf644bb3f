import Foundation

/// The entries of a zip archive held in memory, found through its central directory (PKWARE's
/// APPNOTE.TXT, including the zip64 records torch.save always writes).
struct ZipArchive {
    struct Entry {
        let name: String
        let flags: UInt16
        let method: UInt16
        let crc32: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    let file: Data
    /// The entries in the order of the central directory.
    let entries: [Entry]
    private let indexByName: [String: Int]

    /// Reads the central directory of `file`.
    /// - Throws: `PyTorchCheckpointError.Problem.invalidZip` saying what is damaged.
    init(_ file: Data) throws {
        self.file = file
        entries = try file.withUnsafeBytes { raw in
            let fields = LittleEndianFields(raw)
            let directory = try Self.centralDirectory(fields)
            var entries: [Entry] = [], offset = directory.offset
            for _ in 0..<directory.entryCount {
                let entry = try Self.directoryEntry(fields, at: &offset)
                entries.append(entry)
            }
            return entries
        }
        indexByName = Dictionary(entries.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func entry(named name: String) -> Entry? { indexByName[name].map { entries[$0] } }

    /// The uncompressed bytes of `entry`, checked against its CRC-32.
    /// - Throws: `PyTorchCheckpointError.Problem` when the entry is encrypted, compressed by an
    ///   unsupported method, reaches past the end of the file, or does not match its checksum.
    func contents(of entry: Entry) throws -> Data {
        typealias Problem = PyTorchCheckpointError.Problem
        guard entry.flags & 1 == 0 else { throw Problem.unsupportedZipEntry(entry: entry.name, reason: "encrypted") }
        let dataStart = try file.withUnsafeBytes { raw in
            let fields = LittleEndianFields(raw), header = entry.localHeaderOffset
            guard try fields.uint32(at: header, "\(entry.name)'s local header") == 0x0403_4B50 else {
                throw Problem.invalidZip(reason: "entry \(entry.name) has no local header at byte \(header)")
            }
            let nameLength = Int(try fields.uint16(at: header + 26, "\(entry.name)'s local header"))
            let extraLength = Int(try fields.uint16(at: header + 28, "\(entry.name)'s local header"))
            return header + 30 + nameLength + extraLength
        }
        guard entry.compressedSize <= file.count - dataStart else {
            throw Problem.invalidZip(reason: "entry \(entry.name) needs bytes \(dataStart)..<\(dataStart + entry.compressedSize), "
                                     + "but the file has only \(file.count) bytes")
        }
        let stored = file[(file.startIndex + dataStart)..<(file.startIndex + dataStart + entry.compressedSize)]
        let bytes: Data
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw Problem.corruptZipEntry(entry: entry.name, reason: "it is stored, but its sizes differ")
            }
            bytes = stored
        case 8:
            do { bytes = try Zlib.inflateRaw(stored, byteCount: entry.uncompressedSize) } catch let error as Zlib.InflateError {
                throw Problem.corruptZipEntry(entry: entry.name, reason: error.reason)
            }
        default:
            throw Problem.unsupportedZipEntry(entry: entry.name, reason: "compressed by method \(entry.method) "
                                              + "(only stored, 0, and deflate, 8, are supported)")
        }
        let checksum = Zlib.crc32(of: bytes)
        guard checksum == entry.crc32 else {
            throw Problem.corruptZipEntry(entry: entry.name, reason: "its CRC-32 is \(hex(checksum)), the directory says \(hex(entry.crc32))")
        }
        return bytes
    }

    // MARK: - Reading the directory

    /// Where the central directory starts and how many entries it has, from the end records.
    private static func centralDirectory(_ fields: LittleEndianFields) throws -> (offset: Int, entryCount: Int) {
        let recordLength = 22, longestComment = 0xFFFF
        let earliest = max(0, fields.count - recordLength - longestComment)
        guard fields.count >= recordLength,
              let end = stride(from: fields.count - recordLength, through: earliest, by: -1)
                  .first(where: { (try? fields.uint32(at: $0, "")) == 0x0605_4B50 }) else {
            throw PyTorchCheckpointError.Problem.invalidZip(reason: "it has no end-of-central-directory record (cut short?)")
        }
        // A zip64 locator right before the end record points to the zip64 end record with 64-bit fields.
        let locator = end - 20
        if locator >= 0, try fields.uint32(at: locator, "the zip64 locator") == 0x0706_4B50 {
            let record = try fields.count(at: locator + 8, "the zip64 locator")
            guard try fields.uint32(at: record, "the zip64 end record") == 0x0606_4B50 else {
                throw PyTorchCheckpointError.Problem.invalidZip(reason: "no zip64 end record at byte \(record)")
            }
            return (try fields.count(at: record + 48, "the zip64 end record"), try fields.count(at: record + 32, "the zip64 end record"))
        }
        return (Int(try fields.uint32(at: end + 16, "the end record")), Int(try fields.uint16(at: end + 10, "the end record")))
    }

    /// The central directory entry at `offset`, which moves to the next entry.
    private static func directoryEntry(_ fields: LittleEndianFields, at offset: inout Int) throws -> Entry {
        let start = offset, what = "the central directory entry at byte \(start)"
        guard try fields.uint32(at: start, what) == 0x0201_4B50 else {
            throw PyTorchCheckpointError.Problem.invalidZip(reason: "no central directory entry at byte \(start)")
        }
        let nameLength = Int(try fields.uint16(at: start + 28, what))
        let extraLength = Int(try fields.uint16(at: start + 30, what))
        let commentLength = Int(try fields.uint16(at: start + 32, what))
        let name = String(decoding: try fields.bytes(start + 46, count: nameLength, what), as: UTF8.self)
        var sizes = Zip64Sizes(uncompressed: UInt64(try fields.uint32(at: start + 24, what)),
                               compressed: UInt64(try fields.uint32(at: start + 20, what)),
                               localHeaderOffset: UInt64(try fields.uint32(at: start + 42, what)))
        try sizes.widen(from: fields.bytes(start + 46 + nameLength, count: extraLength, what), entry: name)
        offset = start + 46 + nameLength + extraLength + commentLength
        return Entry(name: name, flags: try fields.uint16(at: start + 8, what), method: try fields.uint16(at: start + 10, what),
                     crc32: try fields.uint32(at: start + 16, what), compressedSize: try checkedInt(sizes.compressed, what),
                     uncompressedSize: try checkedInt(sizes.uncompressed, what),
                     localHeaderOffset: try checkedInt(sizes.localHeaderOffset, what))
    }
}

/// An entry's sizes and offset; a field of 0xFFFFFFFF is held in the zip64 extra field (id 1) instead.
private struct Zip64Sizes {
    var uncompressed: UInt64
    var compressed: UInt64
    var localHeaderOffset: UInt64

    mutating func widen(from extra: UnsafeRawBufferPointer, entry: String) throws {
        let fields = LittleEndianFields(extra), what = "\(entry)'s zip64 extra field"
        var position = 0
        while position + 4 <= extra.count {
            let id = try fields.uint16(at: position, what), length = Int(try fields.uint16(at: position + 2, what))
            if id == 1 {
                var field = position + 4
                for keyPath in [\Zip64Sizes.uncompressed, \.compressed, \.localHeaderOffset] where self[keyPath: keyPath] == 0xFFFF_FFFF {
                    self[keyPath: keyPath] = try fields.uint64(at: field, what)
                    field += 8
                }
                return
            }
            position += 4 + length
        }
    }
}

/// Bounds-checked little-endian reads from a buffer.
private struct LittleEndianFields {
    let raw: UnsafeRawBufferPointer
    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }
    var count: Int { raw.count }

    func bytes(_ offset: Int, count: Int, _ what: String) throws -> UnsafeRawBufferPointer {
        guard offset >= 0, count >= 0, offset <= raw.count - count else {
            throw PyTorchCheckpointError.Problem.invalidZip(reason: "\(what) reaches past the end of the file")
        }
        return UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)])
    }

    func uint16(at offset: Int, _ what: String) throws -> UInt16 { try integer(at: offset, what) }
    func uint32(at offset: Int, _ what: String) throws -> UInt32 { try integer(at: offset, what) }
    func uint64(at offset: Int, _ what: String) throws -> UInt64 { try integer(at: offset, what) }

    /// A 64-bit size, offset or count, which must fit an `Int`.
    func count(at offset: Int, _ what: String) throws -> Int {
        try checkedInt(try uint64(at: offset, what), what)
    }

    private func integer<T: FixedWidthInteger>(at offset: Int, _ what: String) throws -> T {
        T(littleEndian: try bytes(offset, count: MemoryLayout<T>.size, what).loadUnaligned(as: T.self))
    }
}

/// `value` as an Int, or an error when a damaged field holds more than an Int can.
private func checkedInt(_ value: UInt64, _ what: String) throws -> Int {
    guard let int = Int(exactly: value) else {
        throw PyTorchCheckpointError.Problem.invalidZip(reason: "\(what) holds the impossible size or offset \(value)")
    }
    return int
}

private func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }
