import FontIO
import Foundation
import TestSupport

/// Tests/Fixtures/emoji_font.json, written by Scripts/fixtures/emoji_font.py from the installed
/// NotoColorEmoji.ttf with fontTools, HarfBuzz and Pillow.
struct EmojiFontFixture: Decodable {
    struct FontFile: Decodable { let path: String; let size: Int }
    struct Table: Decodable { let tag: String; let checksum: UInt32; let offset: Int; let length: Int }
    struct CharacterMapFacts: Decodable {
        let format: Int, platform: Int, encoding: Int
        let mappedCount: Int
        let glyphs: [String: Int]
        let unmapped: [String]
    }
    struct Substitution: Decodable {
        struct Lookup: Decodable { let index: Int; let type: Int }
        let script: String
        let features: [String]
        let lookups: [Lookup]
        let ligatureCount: Int
    }
    struct Sequence: Decodable { let name: String; let codePoints: [String]; let glyph: Int }
    struct Separate: Decodable { let codePoints: [String]; let glyphs: [Int] }
    struct Bitmaps: Decodable {
        struct Pixel: Decodable { let x: Int; let y: Int; let rgba: [UInt8] }
        struct Sample: Decodable {
            let name: String, glyph: Int, imageFormat: Int
            let width: Int, height: Int, bearingX: Int, bearingY: Int, advance: Int
            let pngLength: Int
            let pixels: [Pixel]
        }
        let strikeCount: Int, ppem: Int
        let indexFormats: [Int], imageFormats: [Int]
        let glyphCount: Int
        let samples: [Sample]
    }

    let font: FontFile
    let tables: [Table]
    let glyphCount: Int
    let cmap: CharacterMapFacts
    let gsub: Substitution
    let sequences: [Sequence]
    let separate: [Separate]
    let bitmaps: Bitmaps

    static func load() throws -> EmojiFontFixture {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(EmojiFontFixture.self, from: Data(contentsOf: Fixtures.url("emoji_font.json")))
    }
}

/// Code points written in hexadecimal, as the fixture holds them.
func codePoints(_ hex: [String]) -> [UInt32] { hex.map { UInt32($0, radix: 16)! } }

/// The installed font and the fixture, read once for all the tests.
enum InstalledEmojiFont {
    static let bytes = Result { try [UInt8](Data(contentsOf: EmojiFont.defaultFile)) }
    static let font = Result { try EmojiFont() }
    static let fixture = Result { try EmojiFontFixture.load() }
}
