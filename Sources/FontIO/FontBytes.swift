/// One part of a font file (a table, or the table directory) read as big-endian fields at
/// offsets from the part's start; every read is bounds-checked and throws a `FontError` naming
/// the file and the part.
struct FontBytes: Sendable {
    let file: String
    let table: String
    /// The whole file, shared by every part.
    private let storage: [UInt8]
    private let start: Int
    /// The part's size in bytes.
    let length: Int

    init(file: String, table: String, storage: [UInt8], start: Int, length: Int) {
        precondition(start >= 0 && length >= 0 && start + length <= storage.count,
                     "FontBytes: \(table) range \(start)..<\(start + length) outside \(storage.count) bytes")
        self.file = file
        self.table = table
        self.storage = storage
        self.start = start
        self.length = length
    }

    func uint8(at offset: Int) throws -> UInt8 {
        try check(offset, 1)
        return storage[start + offset]
    }

    func int8(at offset: Int) throws -> Int8 { Int8(bitPattern: try uint8(at: offset)) }

    func uint16(at offset: Int) throws -> UInt16 {
        try check(offset, 2)
        let i = start + offset
        return UInt16(storage[i]) << 8 | UInt16(storage[i + 1])
    }

    func int16(at offset: Int) throws -> Int16 { Int16(bitPattern: try uint16(at: offset)) }

    func uint32(at offset: Int) throws -> UInt32 {
        try check(offset, 4)
        let i = start + offset
        return UInt32(storage[i]) << 24 | UInt32(storage[i + 1]) << 16 | UInt32(storage[i + 2]) << 8
            | UInt32(storage[i + 3])
    }

    /// A 4-character table or feature tag.
    func tag(at offset: Int) throws -> String {
        try check(offset, 4)
        return String(decoding: storage[start + offset..<start + offset + 4], as: Unicode.ASCII.self)
    }

    /// `count` consecutive 16-bit values.
    func uint16Array(at offset: Int, count: Int) throws -> [UInt16] {
        try check(offset, 2 * count)
        return try (0..<count).map { try uint16(at: offset + 2 * $0) }
    }

    /// Throws unless `count` records of `size` bytes from `offset` lie inside the part (checked
    /// before reading a count the file gives, so a damaged count is an error, not a huge allocation).
    func checkArray(at offset: Int, count: Int, size: Int) throws {
        try check(offset, count * size)
    }

    func bytes(at offset: Int, count: Int) throws -> ArraySlice<UInt8> {
        try check(offset, count)
        return storage[start + offset..<start + offset + count]
    }

    /// Where the 16-bit offset field at `field` points, counted from `base`: the start of a
    /// `structure` of at least `size` bytes, checked to lie inside the part.
    func offset16(at field: Int, from base: Int, to structure: String, size: Int) throws -> Int {
        try target(base + Int(try uint16(at: field)), structure, size)
    }

    /// As `offset16`, for a 32-bit offset field.
    func offset32(at field: Int, from base: Int, to structure: String, size: Int) throws -> Int {
        try target(base + Int(try uint32(at: field)), structure, size)
    }

    private func target(_ offset: Int, _ structure: String, _ size: Int) throws -> Int {
        guard offset <= length - size else {
            throw error(.offsetOutsideTable(structure: structure, offset: offset, size: size, length: length))
        }
        return offset
    }

    /// The 32-bit sum of the part read as big-endian words, zero-padded to a multiple of 4 bytes
    /// (the sfnt table checksum); the word at `skippingWordAt`, if any, counts as zero.
    func checksum(skippingWordAt skipped: Int? = nil) -> UInt32 {
        storage.withUnsafeBufferPointer { all in
            let bytes = UnsafeBufferPointer(rebasing: all[start..<start + length])
            var sum: UInt32 = 0
            var offset = 0
            while offset + 4 <= bytes.count {
                if offset != skipped {
                    sum &+= UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
                        | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
                }
                offset += 4
            }
            var last: UInt32 = 0
            for (position, byte) in bytes[offset...].enumerated() { last |= UInt32(byte) << (24 - 8 * position) }
            return sum &+ last
        }
    }

    func error(_ problem: FontError.Problem) -> FontError {
        FontError(file: file, table: table, problem: problem)
    }

    func invalid(_ detail: String) -> FontError { error(.invalid(detail)) }

    private func check(_ offset: Int, _ count: Int) throws {
        guard offset >= 0, count >= 0, offset <= length - count else {
            throw error(.readPastEnd(offset: offset, count: count, length: length))
        }
    }
}
