/// Where one glyph's record lies in the 'CBDT' table, and how to read it.
struct BitmapLocation: Sendable {
    /// The CBDT glyph image format (17, 18 or 19).
    var imageFormat: Int
    /// From the start of 'CBDT'.
    var offset: Int
    var length: Int
    /// The metrics the index subtable gives (index formats 2 and 5), which image format 19 needs.
    var metrics: GlyphMetrics?
}

/// One bitmap strike (a size) of the 'CBLC' table: its size and every glyph it has a bitmap for.
///
/// The CBLC table (OpenType spec, "CBLC — Color Bitmap Location Table", which extends EBLC): a
/// header (version 3.0, numSizes), then one 48-byte BitmapSize record per strike; each record
/// points to an IndexSubTableArray of (firstGlyph, lastGlyph, offset) entries, and each entry to an
/// index subtable: an 8-byte header (indexFormat, imageFormat, imageDataOffset into CBDT) then, by
/// index format, 1: 32-bit offsets per glyph of the range (+1), 2: one image size and big metrics
/// for the whole range, 3: 16-bit offsets, 5: one size and metrics for a sparse list of glyph ids.
/// Index format 4 (a sparse list with offsets) is not read: NotoColorEmoji uses format 1 only.
struct BitmapStrike: Sendable {
    static let recordSize = 48
    static let imageFormats: Set<Int> = [17, 18, 19]

    /// The strike's vertical size (ppemY).
    let pixelsPerEm: Int
    /// Every glyph of the strike that has a bitmap.
    let locations: [Int: BitmapLocation]
    /// The index subtable formats the strike uses.
    let indexFormatsUsed: Set<Int>

    /// The strike whose BitmapSize record is at `record`; glyph records are checked to lie inside
    /// a 'CBDT' table of `dataLength` bytes.
    init(_ cblc: FontBytes, record: Int, dataLength: Int) throws {
        let arrayOffset = try cblc.offset32(at: record, from: 0, to: "index subtable array", size: 8)
        let subtableCount = Int(try cblc.uint32(at: record + 8))
        pixelsPerEm = Int(try cblc.uint8(at: record + 45))
        var locations: [Int: BitmapLocation] = [:]
        var formats: Set<Int> = []
        for index in 0..<subtableCount {
            let entry = arrayOffset + 8 * index
            let first = Int(try cblc.uint16(at: entry)), last = Int(try cblc.uint16(at: entry + 2))
            guard first <= last else {
                throw cblc.invalid("index subtable \(index) covers glyphs \(first)…\(last), an empty range")
            }
            let subtable = try cblc.offset32(at: entry + 4, from: arrayOffset, to: "index subtable", size: 8)
            let found = try Self.readSubtable(cblc, at: subtable, glyphs: first...last)
            formats.insert(found.indexFormat)
            for (glyph, location) in found.locations {
                guard location.offset <= dataLength - location.length else {
                    throw cblc.invalid("glyph \(glyph)'s bitmap (\(location.length) bytes at \(location.offset)) "
                                       + "lies past the end of 'CBDT' (\(dataLength) bytes)")
                }
                locations[glyph] = location
            }
        }
        self.locations = locations
        indexFormatsUsed = formats
    }

    /// The glyph locations of the index subtable at `offset`, which covers `glyphs`.
    private static func readSubtable(_ cblc: FontBytes, at offset: Int, glyphs: ClosedRange<Int>) throws
        -> (indexFormat: Int, locations: [(glyph: Int, location: BitmapLocation)]) {
        let indexFormat = Int(try cblc.uint16(at: offset)), imageFormat = Int(try cblc.uint16(at: offset + 2))
        let dataOffset = Int(try cblc.uint32(at: offset + 4))
        guard imageFormats.contains(imageFormat) else {
            throw cblc.error(.unsupportedFormat(structure: "CBDT glyph image (index subtable at \(offset))",
                                                format: imageFormat))
        }
        /// The record from `start` to `end`, offsets from the subtable's imageDataOffset.
        func location(_ start: Int, _ end: Int, _ metrics: GlyphMetrics? = nil) throws -> BitmapLocation {
            guard start <= end else {
                throw cblc.invalid("index subtable at \(offset): glyph offsets decrease (\(start) then \(end))")
            }
            return BitmapLocation(imageFormat: imageFormat, offset: dataOffset + start, length: end - start,
                                  metrics: metrics)
        }
        var locations: [(glyph: Int, location: BitmapLocation)] = []
        switch indexFormat {
        case 1, 3:
            let width = indexFormat == 1 ? 4 : 2
            func glyphOffset(_ i: Int) throws -> Int {
                let field = offset + 8 + width * i
                return width == 4 ? Int(try cblc.uint32(at: field)) : Int(try cblc.uint16(at: field))
            }
            for (i, glyph) in glyphs.enumerated() {
                let start = try glyphOffset(i), end = try glyphOffset(i + 1)
                if end != start { locations.append((glyph, try location(start, end))) }
            }
        case 2:
            let size = Int(try cblc.uint32(at: offset + 8)), metrics = try GlyphMetrics.big(cblc, at: offset + 12)
            for (i, glyph) in glyphs.enumerated() {
                locations.append((glyph, try location(i * size, (i + 1) * size, metrics)))
            }
        case 5:
            let size = Int(try cblc.uint32(at: offset + 8)), metrics = try GlyphMetrics.big(cblc, at: offset + 12)
            let count = Int(try cblc.uint32(at: offset + 20))
            for (i, glyph) in try cblc.uint16Array(at: offset + 24, count: count).enumerated() {
                guard glyphs.contains(Int(glyph)) else {
                    throw cblc.invalid("index subtable at \(offset) lists glyph \(glyph), outside its range \(glyphs)")
                }
                locations.append((Int(glyph), try location(i * size, (i + 1) * size, metrics)))
            }
        default:
            throw cblc.error(.unsupportedFormat(structure: "index subtable (at \(offset))", format: indexFormat))
        }
        return (indexFormat, locations)
    }
}
