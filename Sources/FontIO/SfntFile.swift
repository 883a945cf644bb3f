import Foundation

/// One entry of an sfnt font's table directory.
public struct TableRecord: Equatable, Sendable {
    /// Four characters, e.g. "cmap".
    public let tag: String
    public let checksum: UInt32
    /// Where the table starts, from the start of the file.
    public let offset: Int
    public let length: Int
}

/// A TrueType/OpenType (sfnt) font file: its bytes and its table directory, checked when opened.
///
/// The directory (OpenType spec, "Organization of an OpenType font"): a 12-byte header (sfnt
/// version, table count, three search hints) then one 16-byte record per table (tag, checksum,
/// offset, length). Opening checks that the version is TrueType's or OpenType's, that every table
/// lies inside the file, that no tag repeats, and that every table's bytes sum to its checksum
/// ('head' with its checkSumAdjustment word counted as zero).
public struct SfntFile: Sendable {
    /// The name errors give the directory, in place of a table tag.
    public static let directoryName = "table directory"
    /// 0x00010000 and 'true' (TrueType outlines), 'OTTO' (CFF outlines).
    static let versions: Set<UInt32> = [0x0001_0000, 0x7472_7565, 0x4F54_544F]

    /// The file's path as given, or another name for bytes in memory.
    public let name: String
    /// The directory's records, in the file's order.
    public let tables: [TableRecord]
    private let bytes: [UInt8]

    /// Reads and checks the font file at `url`.
    public init(contentsOf url: URL) throws {
        let name = url.isFileURL ? url.relativePath : url.absoluteString
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let posix = (error as? CocoaError)?.underlying as? POSIXError
            let reason = posix.map { String(cString: strerror($0.code.rawValue)) } ?? error.localizedDescription
            throw FontError(file: name, table: Self.directoryName, problem: .unreadable(reason))
        }
        try self.init(bytes: [UInt8](data), name: name)
    }

    /// Checks a font held in memory; `name` identifies it in errors.
    public init(bytes: [UInt8], name: String) throws {
        self.name = name
        self.bytes = bytes
        let whole = FontBytes(file: name, table: Self.directoryName, storage: bytes, start: 0, length: bytes.count)
        let version = try whole.uint32(at: 0)
        guard Self.versions.contains(version) else { throw whole.error(.notAFont(version: version)) }
        let count = Int(try whole.uint16(at: 4))
        tables = try (0..<count).map { index in
            let record = 12 + 16 * index
            return TableRecord(tag: try whole.tag(at: record), checksum: try whole.uint32(at: record + 4),
                               offset: Int(try whole.uint32(at: record + 8)), length: Int(try whole.uint32(at: record + 12)))
        }
        try checkTables()
    }

    /// The record of the table `tag`, or nil when the font has none.
    public func record(_ tag: String) -> TableRecord? { tables.first { $0.tag == tag } }

    /// The bytes of table `tag`; throws when the font has no such table.
    func table(_ tag: String) throws -> FontBytes {
        guard let record = record(tag) else { throw FontError(file: name, table: tag, problem: .missingTable) }
        return FontBytes(file: name, table: tag, storage: bytes, start: record.offset, length: record.length)
    }

    /// The bytes of table `tag`, or nil when the font has none.
    func optionalTable(_ tag: String) -> FontBytes? {
        record(tag).map { FontBytes(file: name, table: $0.tag, storage: bytes, start: $0.offset, length: $0.length) }
    }

    private func checkTables() throws {
        var seen: Set<String> = []
        for record in tables {
            func fail(_ problem: FontError.Problem) -> FontError {
                FontError(file: name, table: record.tag, problem: problem)
            }
            guard seen.insert(record.tag).inserted else { throw fail(.duplicateTable) }
            guard record.offset <= bytes.count - record.length else {
                throw fail(.tableOutsideFile(offset: record.offset, length: record.length, fileLength: bytes.count))
            }
        }
        for record in tables {
            // head's checkSumAdjustment (offset 8) makes the whole file sum to a constant, so the
            // table's own checksum is taken with it zeroed.
            let computed = try table(record.tag).checksum(skippingWordAt: record.tag == "head" ? 8 : nil)
            guard computed == record.checksum else {
                throw FontError(file: name, table: record.tag,
                                problem: .checksumMismatch(stored: record.checksum, computed: computed))
            }
        }
    }
}
