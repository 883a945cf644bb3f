/// Why a font file could not be read: the file, the part of it concerned (a table's tag, or the
/// table directory) and what is wrong there.
public struct FontError: Error, Equatable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        /// The file could not be read; the system's reason.
        case unreadable(String)
        /// A read of `count` bytes at `offset` runs past the end of the part, `length` bytes long
        /// (a truncated file, or a count or offset too large).
        case readPastEnd(offset: Int, count: Int, length: Int)
        /// The first four bytes are not a TrueType or OpenType version tag.
        case notAFont(version: UInt32)
        /// The directory has no table with this tag, and the reader needs it.
        case missingTable
        /// The directory lists the table twice.
        case duplicateTable
        /// The directory places the table beyond the end of the file.
        case tableOutsideFile(offset: Int, length: Int, fileLength: Int)
        /// The table's bytes do not sum to the checksum its directory entry records.
        case checksumMismatch(stored: UInt32, computed: UInt32)
        /// An offset (from `base`, within the table) that points past the table's end, where a
        /// `structure` of at least `size` bytes should be.
        case offsetOutsideTable(structure: String, offset: Int, size: Int, length: Int)
        /// A format or version number this reader does not know, for the structure named.
        case unsupportedFormat(structure: String, format: Int)
        /// A value that contradicts the format; the detail says which and why.
        case invalid(String)
    }

    /// The font file's path as given, or another name for bytes in memory.
    public var file: String
    /// The part of the file concerned: a table tag such as "CBLC", or "table directory".
    public var table: String
    public var problem: Problem

    public init(file: String, table: String, problem: Problem) {
        self.file = file
        self.table = table
        self.problem = problem
    }

    public var description: String {
        if case .unreadable = problem { return "\(file): \(explanation)" }
        let part = table == SfntFile.directoryName ? table : "table '\(table)'"
        return "\(file): \(part): \(explanation)"
    }

    private var explanation: String {
        switch problem {
        case .unreadable(let reason):
            "cannot read the file: \(reason)"
        case let .readPastEnd(offset, count, length):
            "truncated: \(count) bytes at offset \(offset) run past its end (it has \(length) bytes)"
        case .notAFont(let version):
            "not a TrueType/OpenType font (starts with 0x\(String(version, radix: 16, uppercase: true)))"
        case .missingTable:
            "missing; the font needs it"
        case .duplicateTable:
            "listed twice in the table directory"
        case let .tableOutsideFile(offset, length, fileLength):
            "its \(length) bytes at offset \(offset) lie past the end of the file (\(fileLength) bytes)"
        case let .checksumMismatch(stored, computed):
            "checksum 0x\(String(computed, radix: 16, uppercase: true)) does not match the directory's "
                + "0x\(String(stored, radix: 16, uppercase: true)) (the file is damaged)"
        case let .offsetOutsideTable(structure, offset, size, length):
            "the \(structure) at offset \(offset) (\(size)+ bytes) lies outside the table (\(length) bytes)"
        case let .unsupportedFormat(structure, format):
            "unknown \(structure) format \(format)"
        case .invalid(let detail):
            detail
        }
    }
}
