/// What loading the emoji found: the font's glyphs, how many named sequences it shows, which it
/// cannot show, and how many of its bitmaps no name reaches.
public struct EmojiLoadReport: Equatable, Sendable, CustomStringConvertible {
    public let fontFile: String
    /// The font's structures (`EmojiFont.summary`): which cmap, GSUB and CBLC/CBDT formats it uses.
    public let fontStructure: String
    public let namesFile: String
    /// All glyphs of the font ('maxp').
    public let glyphCount: Int
    public let glyphsWithBitmaps: Int
    /// The fully-qualified sequences of the names file.
    public let namedSequences: Int
    /// The named sequences the font shows as one glyph with a bitmap.
    public let found: Int
    /// The glyphs they show (fewer when two names share a picture).
    public let distinctGlyphs: Int
    /// The named sequences whose glyph is missing: no glyph for one of their code points, several
    /// glyphs after the ligatures, or a glyph without a bitmap.
    public let missing: [NamedEmoji]
    /// Glyphs with a bitmap that no named sequence shows (e.g. newer emoji than the names file, or
    /// the lone components a sequence is built from).
    public let unnamedGlyphs: Int

    public var description: String {
        var lines = [
            "\(fontFile): \(glyphCount) glyphs, \(glyphsWithBitmaps) with a bitmap",
            "  \(fontStructure)",
            "\(namesFile): \(namedSequences) fully-qualified emoji; \(found) found in the font "
                + "(\(distinctGlyphs) distinct glyphs), \(missing.count) missing",
            "glyphs with a bitmap left unnamed: \(unnamedGlyphs)",
        ]
        for emoji in missing {
            let codePoints = emoji.codePoints.map { String($0, radix: 16, uppercase: true) }
            lines.append("missing: \(emoji.name) (\(codePoints.joined(separator: " ")))")
        }
        return lines.joined(separator: "\n")
    }
}
