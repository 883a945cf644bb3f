import FontIO
import Foundation

/// The named emoji that a colour emoji font has a bitmap for: each fully-qualified sequence of
/// emoji-test.txt matched to the glyph the font shows for it, with its group and subgroup as
/// indices, and a report of what matched.
public struct EmojiCatalog: Sendable {
    public struct Entry: Equatable, Sendable {
        public let emoji: NamedEmoji
        public let glyph: Int
        /// Indices into `groups` and `subgroups`.
        public let group: Int
        public let subgroup: Int
    }

    public let font: EmojiFont
    /// The emoji with a bitmap, in the names file's order.
    public let entries: [Entry]
    /// The groups and subgroups of `entries`, in file order (a group with no emoji, such as
    /// "Component", whose lines are all components, is left out).
    public let groups: [String]
    public let subgroups: [String]
    public let report: EmojiLoadReport

    /// Reads the font and the names from their files (by default, where Debian installs them).
    public init(fontFile: URL = EmojiFont.defaultFile, namesFile: URL = EmojiNames.defaultFile) throws {
        let missing = [fontFile, namesFile].filter { !FileManager.default.fileExists(atPath: $0.path) }
        guard missing.isEmpty else {
            throw DatasetError.missingFiles(
                dataset: "emoji", directory: missing[0].deletingLastPathComponent().path,
                files: missing.map(\.lastPathComponent),
                remedy: "install the Debian packages fonts-noto-color-emoji and unicode-data "
                    + "(sudo apt-get install fonts-noto-color-emoji unicode-data, or make setup)")
        }
        self.init(font: try EmojiFont(contentsOf: fontFile), names: try EmojiNames.read(namesFile),
                  namesFile: namesFile.lastPathComponent)
    }

    /// Matches `names` to the glyphs of `font`; `namesFile` names the list in the report.
    public init(font: EmojiFont, names: [NamedEmoji], namesFile: String = "emoji names") {
        let withBitmaps = Set(font.bitmaps.glyphs)
        var groups = IndexedNames(), subgroups = IndexedNames()
        var entries: [Entry] = [], missing: [NamedEmoji] = []
        for emoji in names {
            guard let glyph = font.glyph(forSequence: emoji.codePoints), withBitmaps.contains(glyph) else {
                missing.append(emoji)
                continue
            }
            entries.append(Entry(emoji: emoji, glyph: glyph, group: groups.index(of: emoji.group),
                                 subgroup: subgroups.index(of: emoji.subgroup)))
        }
        let named = Set(entries.map(\.glyph))
        self.font = font
        self.entries = entries
        (self.groups, self.subgroups) = (groups.names, subgroups.names)
        report = EmojiLoadReport(
            fontFile: font.file.name, fontStructure: font.summary, namesFile: namesFile, glyphCount: font.glyphCount,
            glyphsWithBitmaps: withBitmaps.count, namedSequences: names.count, found: entries.count,
            distinctGlyphs: named.count, missing: missing, unnamedGlyphs: withBitmaps.subtracting(named).count)
    }
}

/// Names numbered in order of first appearance.
private struct IndexedNames {
    private(set) var names: [String] = []
    private var indices: [String: Int] = [:]

    /// The number of `name`, a new one when it is new.
    mutating func index(of name: String) -> Int {
        if let index = indices[name] { return index }
        names.append(name)
        indices[name] = names.count - 1
        return names.count - 1
    }
}
