import Foundation

/// A glyph's size and placement in pixels at its strike's size (the "small" and "big" glyph
/// metrics of the EBDT/CBDT tables; small metrics carry one set, used for horizontal layout).
public struct GlyphMetrics: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// From the pen position to the bitmap's left edge.
    public var bearingX: Int
    /// From the baseline up to the bitmap's top edge.
    public var bearingY: Int
    /// How far the pen moves after the glyph.
    public var advance: Int

    public init(width: Int, height: Int, bearingX: Int, bearingY: Int, advance: Int) {
        (self.width, self.height, self.bearingX, self.bearingY, self.advance) = (width, height, bearingX, bearingY, advance)
    }

    /// SmallGlyphMetrics (5 bytes: height, width, bearingX, bearingY, advance) at `offset`.
    static func small(_ bytes: FontBytes, at offset: Int) throws -> GlyphMetrics {
        GlyphMetrics(width: Int(try bytes.uint8(at: offset + 1)), height: Int(try bytes.uint8(at: offset)),
                     bearingX: Int(try bytes.int8(at: offset + 2)), bearingY: Int(try bytes.int8(at: offset + 3)),
                     advance: Int(try bytes.uint8(at: offset + 4)))
    }

    /// BigGlyphMetrics (8 bytes: height, width, then the horizontal bearings and advance, then the
    /// vertical ones) at `offset`; the vertical ones are not kept.
    static func big(_ bytes: FontBytes, at offset: Int) throws -> GlyphMetrics {
        try small(bytes, at: offset)
    }

    static let smallSize = 5
    static let bigSize = 8
}

/// One glyph's colour bitmap from the 'CBDT' table: its metrics and its PNG file.
public struct GlyphBitmap: Sendable {
    public let glyph: Int
    /// The CBDT glyph image format: 17 (small metrics), 18 (big metrics) or 19 (metrics in 'CBLC').
    public let imageFormat: Int
    public let metrics: GlyphMetrics
    /// A complete PNG file.
    public let png: Data
}
