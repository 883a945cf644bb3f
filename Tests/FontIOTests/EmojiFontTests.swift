import FontIO
import Foundation
import ImageIO
import XCTest

/// The installed NotoColorEmoji.ttf read by FontIO, against what fontTools, HarfBuzz and Pillow
/// read from it (Tests/Fixtures/emoji_font.json).
final class EmojiFontTests: XCTestCase {
    private var font: EmojiFont { get throws { try InstalledEmojiFont.font.get() } }
    private var fixture: EmojiFontFixture { get throws { try InstalledEmojiFont.fixture.get() } }

    func testTheTableDirectoryMatchesFontTools() throws {
        let (font, fixture) = (try font, try fixture)
        XCTAssertEqual(try InstalledEmojiFont.bytes.get().count, fixture.font.size,
                       "the installed font is not the one of the fixture; rerun Scripts/fixtures/emoji_font.py")
        XCTAssertEqual(font.file.tables.map(\.tag), fixture.tables.map(\.tag))
        for (record, expected) in zip(font.file.tables, fixture.tables) {
            XCTAssertEqual([record.offset, record.length], [expected.offset, expected.length], record.tag)
            XCTAssertEqual(record.checksum, expected.checksum, record.tag)
        }
        XCTAssertEqual(font.glyphCount, fixture.glyphCount)
    }

    func testTheCharacterMapMatchesFontTools() throws {
        let (font, fixture) = (try font, try fixture)
        let cmap = font.characterMap
        XCTAssertEqual([cmap.format, cmap.platform, cmap.encoding],
                       [fixture.cmap.format, fixture.cmap.platform, fixture.cmap.encoding])
        XCTAssertEqual(cmap.mappedCount, fixture.cmap.mappedCount)
        XCTAssertEqual(fixture.cmap.glyphs.count, 38)
        for (hex, glyph) in fixture.cmap.glyphs {
            XCTAssertEqual(cmap.glyph(for: UInt32(hex, radix: 16)!), glyph, "U+\(hex)")
        }
        for hex in fixture.cmap.unmapped { XCTAssertNil(cmap.glyph(for: UInt32(hex, radix: 16)!), "U+\(hex)") }
    }

    func testLigaturesComeFromTheCcmpFeatureOfTheDefaultScript() throws {
        let (substitution, expected) = (try font.substitution, try fixture.gsub)
        XCTAssertEqual(substitution.script, expected.script)
        XCTAssertEqual(substitution.features, expected.features)
        XCTAssertEqual(substitution.ligatureLookupIndices, expected.lookups.filter { $0.type == 4 }.map(\.index))
        XCTAssertEqual(substitution.skippedLookups.map { [$0.index, $0.type] },
                       expected.lookups.filter { $0.type != 4 }.map { [$0.index, $0.type] })
        XCTAssertEqual(substitution.ligatureCount, expected.ligatureCount)
        XCTAssertEqual(try font.summary, "cmap format 12 (3, 10); GSUB script DFLT, features ccmp: ligature lookups 0, 3 "
                       + "(3985 ligatures), other lookups 2 (type 6), 4 (type 5) not applied; CBLC 1 strike(s), 109 ppem "
                       + "used, index format 1, CBDT image format 17")
    }

    func testMultiCodePointEmojiMapToTheGlyphsHarfBuzzShapes() throws {
        let (font, fixture) = (try font, try fixture)
        XCTAssertEqual(fixture.sequences.count, 41)
        for sequence in fixture.sequences {
            XCTAssertEqual(font.glyph(forSequence: codePoints(sequence.codePoints)), sequence.glyph, sequence.name)
        }
        for separate in fixture.separate {
            XCTAssertEqual(font.glyphs(forSequence: codePoints(separate.codePoints)), separate.glyphs)
            XCTAssertNil(font.glyph(forSequence: codePoints(separate.codePoints)))
        }
        XCTAssertNil(font.glyphs(forSequence: [0x41, 0x1F600]), "U+0041 has no glyph")
    }

    func testTheBitmapIndexMatchesFontTools() throws {
        let (bitmaps, expected) = (try font.bitmaps, try fixture.bitmaps)
        XCTAssertEqual(bitmaps.strikeCount, expected.strikeCount)
        XCTAssertEqual(bitmaps.pixelsPerEm, expected.ppem)
        XCTAssertEqual(bitmaps.indexFormats, expected.indexFormats)
        XCTAssertEqual(bitmaps.imageFormats, expected.imageFormats)
        XCTAssertEqual(bitmaps.glyphs.count, expected.glyphCount)
        XCTAssertNil(try bitmaps.bitmap(forGlyph: 0), ".notdef has no bitmap")
    }

    func testBitmapsHoldPNGsThatDecodeToPillowsPixels() throws {
        let font = try font
        for expected in try fixture.bitmaps.samples {
            let bitmap = try XCTUnwrap(try font.bitmap(forGlyph: expected.glyph), expected.name)
            XCTAssertEqual(bitmap.imageFormat, expected.imageFormat)
            XCTAssertEqual(bitmap.metrics, GlyphMetrics(width: expected.width, height: expected.height, bearingX: expected.bearingX,
                                                        bearingY: expected.bearingY, advance: expected.advance))
            XCTAssertEqual(bitmap.png.count, expected.pngLength)
            let image = try Image(decoding: bitmap.png, name: expected.name).rgba()
            XCTAssertEqual([image.width, image.height], [136, 128])
            for pixel in expected.pixels {
                XCTAssertEqual(Array(image[pixel.x, pixel.y]), pixel.rgba, "\(expected.name) at (\(pixel.x), \(pixel.y))")
            }
        }
    }

    func testTheRedHeartIsRedInTheMiddleAndTransparentInTheCorner() throws {
        let font = try font
        let glyph = try XCTUnwrap(font.glyph(forSequence: [0x2764, 0xFE0F]))
        let image = try Image(decoding: try XCTUnwrap(try font.bitmap(forGlyph: glyph)).png, name: "red heart")
        XCTAssertEqual(image.channels, 4)
        let middle = image[68, 64]
        XCTAssertGreaterThan(middle[middle.startIndex], 200)
        XCTAssertLessThan(middle[middle.startIndex + 1], 100)
        XCTAssertLessThan(middle[middle.startIndex + 2], 100)
        XCTAssertEqual(image[0, 0].last, 0, "alpha in the corner")
    }

    /// Opening the font (directory with checksums, cmap, GSUB, CBLC) and reading every bitmap's PNG.
    func testOpeningTheFontAndReadingEveryBitmapIsTimed() throws {
        let start = Date()
        let font = try EmojiFont()
        let opened = Date()
        var bytes = 0
        for glyph in font.bitmaps.glyphs { bytes += try XCTUnwrap(try font.bitmap(forGlyph: glyph)).png.count }
        print("emoji font: opened in \(Int(opened.timeIntervalSince(start) * 1000)) ms; "
              + "\(font.bitmaps.glyphs.count) PNGs (\(bytes / 1024) KiB) read in \(Int(Date().timeIntervalSince(opened) * 1000)) ms")
        XCTAssertGreaterThan(bytes, 10_000_000)
    }
}
