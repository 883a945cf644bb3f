/// Builders of small 'CBLC' and 'CBDT' tables for the synthetic-font tests.

/// BigGlyphMetrics (8 bytes): height, width, horizontal bearings and advance, vertical ones (0).
func bigMetrics(width: Int, height: Int, bearingX: Int, bearingY: Int, advance: Int) -> [UInt8] {
    var bytes = FieldWriter()
    bytes.u8(height, width, bearingX, bearingY, advance, 0, 0, 0)
    return bytes.bytes
}

/// One index subtable of a strike: the glyph range it covers and its bytes (header included).
struct IndexSubtable {
    var glyphs: ClosedRange<Int>
    var bytes: [UInt8]

    /// The 8-byte header (index format, image format, offset of its images in 'CBDT') then `body`.
    init(glyphs: ClosedRange<Int>, indexFormat: Int, imageFormat: Int, imageDataOffset: Int, body: [UInt8]) {
        var header = FieldWriter()
        header.u16(indexFormat, imageFormat)
        header.u32(imageDataOffset)
        self.glyphs = glyphs
        bytes = header.bytes + body
    }
}

/// A 'CBLC' table (3.0) of strikes, each (pixels per em, index subtables).
func cblcTable(_ strikes: [(ppem: Int, subtables: [IndexSubtable])]) -> [UInt8] {
    var records = FieldWriter(), arrays: [UInt8] = []
    let arraysStart = 8 + 48 * strikes.count
    for strike in strikes {
        var array = FieldWriter()
        var subtableOffset = 8 * strike.subtables.count
        for subtable in strike.subtables {
            array.u16(subtable.glyphs.lowerBound, subtable.glyphs.upperBound)
            array.u32(subtableOffset)
            subtableOffset += subtable.bytes.count
        }
        for subtable in strike.subtables { array.append(subtable.bytes) }
        records.u32(arraysStart + arrays.count, array.count, strike.subtables.count, 0)
        records.append([UInt8](repeating: 0, count: 24))  // horizontal and vertical line metrics
        records.u16(strike.subtables.first!.glyphs.lowerBound, strike.subtables.last!.glyphs.upperBound)
        records.u8(strike.ppem, strike.ppem, 32, 1)
        arrays += array.bytes
    }
    var table = FieldWriter()
    table.u16(3, 0)
    table.u32(strikes.count)
    table.append(records.bytes + arrays)
    return table.bytes
}
