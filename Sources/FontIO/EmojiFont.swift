import Foundation

/// A colour emoji font (an sfnt font with CBLC/CBDT bitmaps, such as NotoColorEmoji): which
/// glyph an emoji's code-point sequence shows, and that glyph's PNG bitmap.
///
/// A sequence maps to its glyph as a shaper would map it: each code point through the 'cmap', then
/// the ligature lookups of 'GSUB' (so flags, keycaps, skin tones and ZWJ sequences become one
/// glyph). Variation selectors the cmap does not map are left out first: U+FE0F (emoji
/// presentation) follows many code points in fully-qualified sequences, but the font has no glyph
/// for it, its cmap format-14 subtable lists each base + U+FE0F as the base's own glyph, its
/// ligatures never contain it, and a shaper hides it.
public struct EmojiFont: Sendable {
    public static let defaultFile = URL(fileURLWithPath: "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
    /// U+FE00 to U+FE0F.
    static let variationSelectors: ClosedRange<UInt32> = 0xFE00...0xFE0F

    public let file: SfntFile
    /// The number of glyphs ('maxp').
    public let glyphCount: Int
    public let characterMap: CharacterMap
    public let substitution: GlyphSubstitution
    public let bitmaps: ColorBitmaps

    /// Reads and checks the font at `url`.
    public init(contentsOf url: URL = defaultFile) throws {
        try self.init(try SfntFile(contentsOf: url))
    }

    /// Reads the tables of an opened font file.
    public init(_ file: SfntFile) throws {
        self.file = file
        glyphCount = try file.glyphCount()
        characterMap = try CharacterMap(file, glyphCount: glyphCount)
        substitution = try GlyphSubstitution(file)
        bitmaps = try ColorBitmaps(file)
    }

    /// The structures the font uses, e.g. "cmap format 12 (3, 10); GSUB script DFLT, features ccmp:
    /// ligature lookups 0, 3 (3985 ligatures), other lookups 2 (type 6), 4 (type 5) not applied;
    /// CBLC 1 strike, 109 ppem, index format 1, CBDT image format 17".
    public var summary: String {
        func list(_ values: [Int]) -> String { values.map(String.init).joined(separator: ", ") }
        var gsub = "no GSUB ligatures"
        if let script = substitution.script {
            gsub = "GSUB script \(script), features \(substitution.features.joined(separator: ", ")): ligature lookups "
                + "\(list(substitution.ligatureLookupIndices)) (\(substitution.ligatureCount) ligatures)"
            let others = substitution.skippedLookups.map { "\($0.index) (type \($0.type))" }
            if !others.isEmpty { gsub += ", other lookups \(others.joined(separator: ", ")) not applied" }
        }
        return "cmap format \(characterMap.format) (\(characterMap.platform), \(characterMap.encoding)); \(gsub); "
            + "CBLC \(bitmaps.strikeCount) strike(s), \(bitmaps.pixelsPerEm) ppem used, index format "
            + "\(list(bitmaps.indexFormats)), CBDT image format \(list(bitmaps.imageFormats))"
    }

    /// The glyphs a shaper shows for `codePoints`, or nil when the cmap maps one of them to none.
    public func glyphs(forSequence codePoints: [UInt32]) -> [Int]? {
        var glyphs: [Int] = []
        for codePoint in codePoints {
            if let glyph = characterMap.glyph(for: codePoint) {
                glyphs.append(glyph)
            } else if !Self.variationSelectors.contains(codePoint) {
                return nil
            }
        }
        return substitution.applyingLigatures(to: glyphs)
    }

    /// The one glyph that shows `codePoints`, or nil when the font shows them as several glyphs or none.
    public func glyph(forSequence codePoints: [UInt32]) -> Int? {
        guard let glyphs = glyphs(forSequence: codePoints), glyphs.count == 1 else { return nil }
        return glyphs[0]
    }

    /// The colour bitmap of `glyph`, or nil when it has none.
    public func bitmap(forGlyph glyph: Int) throws -> GlyphBitmap? {
        try bitmaps.bitmap(forGlyph: glyph)
    }
}
