import Foundation

/// The colour bitmaps of a font: the strikes of 'CBLC' and the glyph images of 'CBDT'.
///
/// Bitmaps are read from the strike with the most pixels per em. A CBDT glyph record (OpenType
/// spec, "CBDT — Color Bitmap Data Table"; the table starts with version 3.0) is, by image format,
/// 17: small metrics (5 bytes), a 32-bit data length, PNG data; 18: big metrics (8 bytes), length,
/// PNG; 19: length, PNG, with the metrics in the CBLC index subtable (index formats 2 and 5).
public struct ColorBitmaps: Sendable {
    private let data: FontBytes
    private let strike: BitmapStrike

    /// How many strikes 'CBLC' has; bitmaps come from the largest.
    public let strikeCount: Int
    /// The pixels per em of the strike used, e.g. 109 for NotoColorEmoji's 136 × 128 bitmaps.
    public var pixelsPerEm: Int { strike.pixelsPerEm }
    /// The CBLC index subtable formats the strike used has, e.g. [1].
    public var indexFormats: [Int] { strike.indexFormatsUsed.sorted() }
    /// The CBDT image formats of the strike used, e.g. [17].
    public var imageFormats: [Int] { Set(strike.locations.values.map(\.imageFormat)).sorted() }
    /// Every glyph with a bitmap, in glyph order.
    public var glyphs: [Int] { strike.locations.keys.sorted() }

    /// Reads the 'CBLC' index and checks that 'CBDT' is there and every bitmap lies inside it.
    public init(_ font: SfntFile) throws {
        let cblc = try font.table("CBLC"), cbdt = try font.table("CBDT")
        for table in [cblc, cbdt] {
            let major = try table.uint16(at: 0), minor = try table.uint16(at: 2)
            guard major == 3, minor == 0 else {
                throw table.error(.unsupportedFormat(structure: "\(table.table) version", format: Int(major)))
            }
        }
        strikeCount = Int(try cblc.uint32(at: 4))
        guard strikeCount > 0 else { throw cblc.invalid("no bitmap strikes (numSizes is 0)") }
        try cblc.checkArray(at: 8, count: strikeCount, size: BitmapStrike.recordSize)
        let strikes = try (0..<strikeCount).map { index in
            try BitmapStrike(cblc, record: 8 + BitmapStrike.recordSize * index, dataLength: cbdt.length)
        }
        strike = strikes.max { $0.pixelsPerEm < $1.pixelsPerEm }!
        data = cbdt
    }

    /// The bitmap of `glyph`, or nil when the strike has none for it.
    public func bitmap(forGlyph glyph: Int) throws -> GlyphBitmap? {
        guard let location = strike.locations[glyph] else { return nil }
        let record = location.offset
        let metrics: GlyphMetrics, lengthField: Int
        switch location.imageFormat {
        case 17: (metrics, lengthField) = (try GlyphMetrics.small(data, at: record), record + GlyphMetrics.smallSize)
        case 18: (metrics, lengthField) = (try GlyphMetrics.big(data, at: record), record + GlyphMetrics.bigSize)
        default:
            guard let given = location.metrics else {
                throw data.invalid("glyph \(glyph) has image format 19, but its CBLC index subtable has no metrics")
            }
            (metrics, lengthField) = (given, record)
        }
        let length = Int(try data.uint32(at: lengthField))
        guard lengthField + 4 + length <= record + location.length else {
            throw data.invalid("glyph \(glyph)'s PNG (\(length) bytes at \(lengthField + 4)) runs past its "
                               + "record (\(location.length) bytes at \(record))")
        }
        let png = Data(try data.bytes(at: lengthField + 4, count: length))
        return GlyphBitmap(glyph: glyph, imageFormat: location.imageFormat, metrics: metrics, png: png)
    }
}
