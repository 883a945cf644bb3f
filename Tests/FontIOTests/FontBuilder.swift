import Foundation

/// Big-endian fields appended in order, for building font tables in tests.
struct FieldWriter {
    private(set) var bytes: [UInt8] = []
    var count: Int { bytes.count }

    mutating func u8(_ values: Int...) { for v in values { bytes.append(UInt8(truncatingIfNeeded: v)) } }
    mutating func u16(_ values: Int...) { u16(values) }
    mutating func u16(_ values: [Int]) {
        for v in values { bytes += [UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }
    }
    mutating func u32(_ values: Int...) {
        for v in values { bytes += (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
    }
    mutating func tag(_ tag: String) { bytes += Array(tag.utf8) }
    mutating func append(_ other: [UInt8]) { bytes += other }
}

/// The sfnt table checksum: the sum of big-endian 32-bit words, the last zero-padded.
func tableChecksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    bytes.withUnsafeBufferPointer { bytes in
        var sum: UInt32 = 0
        for (position, byte) in bytes.enumerated() { sum &+= UInt32(byte) << (24 - 8 * UInt32(position % 4)) }
        return sum
    }
}

/// An sfnt file (TrueType version) holding `tables` in the given order, each 4-byte aligned, with
/// correct checksums.
func sfntFile(_ tables: [(tag: String, bytes: [UInt8])]) -> [UInt8] {
    var header = FieldWriter()
    header.u32(0x0001_0000)
    header.u16(tables.count, 0, 0, 0)
    var offset = 12 + 16 * tables.count
    var body: [UInt8] = []
    for table in tables {
        header.tag(table.tag)
        header.u32(Int(tableChecksum(table.bytes[...])), offset, table.bytes.count)
        let padded = table.bytes + [UInt8](repeating: 0, count: (4 - table.bytes.count % 4) % 4)
        body += padded
        offset += padded.count
    }
    return header.bytes + body
}

/// A 'maxp' table (version 0.5) declaring `glyphCount` glyphs.
func maxpTable(glyphCount: Int) -> [UInt8] {
    var maxp = FieldWriter()
    maxp.u32(0x0000_5000)
    maxp.u16(glyphCount)
    return maxp.bytes
}

/// A copy of `font` with the 32-bit `value` written at `offset` inside table `tag`, and that
/// table's checksum in the directory updated, so only the written field is wrong.
func patched(_ font: [UInt8], table tag: String, at offset: Int, uint32 value: UInt32) -> [UInt8] {
    patched(font, table: tag, at: offset, bytes: (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) })
}

func patched(_ font: [UInt8], table tag: String, at offset: Int, uint16 value: UInt16) -> [UInt8] {
    patched(font, table: tag, at: offset, bytes: [UInt8(value >> 8), UInt8(truncatingIfNeeded: value)])
}

private func patched(_ font: [UInt8], table tag: String, at offset: Int, bytes: [UInt8]) -> [UInt8] {
    var font = font
    let record = directoryRecord(font, tag)
    let start = field(font, record + 8)
    // Each byte counts in the checksum shifted by its place in its 4-byte word, so the sum moves
    // by each changed byte's difference at that place (11 MB need not be summed again).
    var checksum = UInt32(field(font, record + 4))
    for (index, byte) in bytes.enumerated() {
        let position = offset + index, shift = UInt32(24 - 8 * (position % 4))
        checksum = checksum &- UInt32(font[start + position]) << shift &+ UInt32(byte) << shift
        font[start + position] = byte
    }
    font.replaceSubrange(record + 4..<record + 8, with: (0..<4).map { UInt8(truncatingIfNeeded: checksum >> (24 - 8 * $0)) })
    return font
}

/// Where the directory record of table `tag` starts.
func directoryRecord(_ font: [UInt8], _ tag: String) -> Int {
    let count = Int(font[4]) << 8 | Int(font[5])
    let index = (0..<count).first { Array(font[12 + 16 * $0..<16 + 16 * $0]) == Array(tag.utf8) }!
    return 12 + 16 * index
}

/// The 32-bit big-endian field at `offset`.
func field(_ bytes: [UInt8], _ offset: Int) -> Int {
    (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
}
