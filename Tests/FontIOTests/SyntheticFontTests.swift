import FontIO
import XCTest

/// The formats NotoColorEmoji does not use, on small fonts built byte by byte: cmap format 4 and
/// the choice between subtables, a ligature lookup behind an extension lookup with a format-2
/// coverage, and CBLC index formats 2, 3 and 5 with CBDT image formats 18 and 19.
final class SyntheticFontTests: XCTestCase {
    private func font(_ tables: [(tag: String, bytes: [UInt8])], glyphCount: Int = 40) throws -> SfntFile {
        try SfntFile(bytes: sfntFile([("maxp", maxpTable(glyphCount: glyphCount))] + tables), name: "synthetic.ttf")
    }

    /// A → 1, B → 2, C → 3 by a delta of −0x40 (mod 65536); α, β, γ through the glyph array
    /// [5, 0, 7] plus a delta of 2, β (0) being unmapped.
    private let format4 = cmapFormat4([(0x41, 0x43, 0x10000 - 0x40, nil), (0x3B1, 0x3B3, 2, [5, 0, 7])])

    func testFormat4MapsByDeltaAndThroughTheGlyphArray() throws {
        let cmap = try CharacterMap(try font([("cmap", cmapTable([(3, 1, format4)]))]), glyphCount: 40)
        XCTAssertEqual([cmap.format, cmap.platform, cmap.encoding], [4, 3, 1])
        let expected: [UInt32: Int?] = [0x40: nil, 0x41: 1, 0x42: 2, 0x43: 3, 0x44: nil,
                                        0x3B1: 7, 0x3B2: nil, 0x3B3: 9, 0xFFFF: nil]
        for (codePoint, glyph) in expected { XCTAssertEqual(cmap.glyph(for: codePoint), glyph, "U+\(codePoint)") }
        XCTAssertEqual(cmap.mappedCount, 5)
    }

    func testTheFullRepertoireSubtableOfFormat12IsPreferred() throws {
        let format12 = cmapFormat12([(0x41, 0x41, 30), (0x1F600, 0x1F602, 10)])
        let cmap = try CharacterMap(try font([("cmap", cmapTable([(3, 1, format4), (3, 10, format12)]))]), glyphCount: 40)
        XCTAssertEqual([cmap.format, cmap.platform, cmap.encoding], [12, 3, 10])
        XCTAssertEqual([0x41, 0x42, 0x1F5FF, 0x1F600, 0x1F602, 0x1F603].map { cmap.glyph(for: $0) }, [30, nil, nil, 10, 12, nil])
    }

    func testBadCharacterMapsAreRefused() throws {
        func error(_ subtables: [(platform: Int, encoding: Int, bytes: [UInt8])]) -> String {
            do {
                _ = try CharacterMap(try font([("cmap", cmapTable(subtables))]), glyphCount: 40)
                return "no error"
            } catch { return "\(error)" }
        }
        XCTAssertEqual(error([(3, 10, cmapFormat12([(0x41, 0x45, 38)]))]),
                       "synthetic.ttf: table 'cmap': U+0041…U+0045 map to glyphs past the font's 40")
        XCTAssertEqual(error([(3, 10, cmapFormat12([(0x41, 0x45, 1), (0x45, 0x46, 9)]))]),
                       "synthetic.ttf: table 'cmap': code point U+0045 is mapped twice")
        XCTAssertEqual(error([(1, 0, format4)]),
                       "synthetic.ttf: table 'cmap': no Unicode subtable of format 4 or 12 (found: (1, 0) format 4)")
        XCTAssertEqual(error([(3, 10, Array(cmapFormat12([(0x41, 0x45, 1), (0x50, 0x51, 9)]).prefix(20)))]),
                       "synthetic.ttf: table 'cmap': truncated: 24 bytes at offset 28 run past its end (it has 32 bytes)")
    }

    /// 'liga' holds an extension lookup (a ligature subtable with a format-2 coverage of glyphs 10
    /// and 11) and a single-substitution lookup; 'smcp', not a shaping feature, a ligature lookup.
    private func substitution() throws -> GlyphSubstitution {
        let ligatures = ligatureSubtable(coverage: coverageFormat2(10...11), sets: [
            [(21, [11]), (20, [11, 12])],  // the shorter first: the longer must still win
            [(22, [11])],
        ])
        let gsub = gsubTable(script: "DFLT", features: [("liga", [0, 2]), ("smcp", [1])], lookups: [
            lookupTable(type: 7, [extensionSubtable(type: 4, wrapping: ligatures)]),
            lookupTable(type: 4, [ligatureSubtable(coverage: coverageFormat1([10]), sets: [[(30, [12])]])]),
            lookupTable(type: 1, [[0, 2, 0, 6, 0, 1]]),
        ])
        return try GlyphSubstitution(try font([("GSUB", gsub)]))
    }

    func testExtensionLookupsOfShapingFeaturesApplyTheLongestLigature() throws {
        let substitution = try substitution()
        XCTAssertEqual(substitution.script, "DFLT")
        XCTAssertEqual(substitution.features, ["liga"])
        XCTAssertEqual(substitution.ligatureLookupIndices, [0])
        XCTAssertEqual(substitution.skippedLookups.map { [$0.index, $0.type] }, [[2, 1]])
        XCTAssertEqual(substitution.ligatureCount, 3)
        XCTAssertEqual(substitution.applyingLigatures(to: [10, 11, 12, 10, 11, 5]), [20, 21, 5])
        XCTAssertEqual(substitution.applyingLigatures(to: [11, 11, 11]), [22, 11])
        XCTAssertEqual(substitution.applyingLigatures(to: [10, 12, 11]), [10, 12, 11])
    }

    func testAFontWithoutGSUBSubstitutesNothing() throws {
        let substitution = try GlyphSubstitution(try font([]))
        XCTAssertNil(substitution.script)
        XCTAssertEqual(substitution.applyingLigatures(to: [10, 11]), [10, 11])
    }

    /// CBDT records: glyphs 1, 2 (format 19: length + PNG, 8 bytes each), 3 and 5 (format 18: big
    /// metrics, length, PNG, 15 bytes each), 6 and 9 (format 19); a small strike's glyph 1 (format 17).
    private func bitmapFont() throws -> SfntFile {
        var cbdt = FieldWriter()
        cbdt.u16(3, 0)
        func png(_ glyph: Int, _ length: Int) -> [UInt8] { [0x89] + [UInt8](repeating: UInt8(glyph), count: length - 1) }
        let format19Start = cbdt.count
        for glyph in [1, 2] { cbdt.u32(4); cbdt.append(png(glyph, 4)) }
        let format18Start = cbdt.count
        for (glyph, width) in [(3, 30), (5, 50)] {
            cbdt.append(bigMetrics(width: width, height: 20, bearingX: -1, bearingY: 18, advance: width + 2))
            cbdt.u32(3)
            cbdt.append(png(glyph, 3))
        }
        let sparseStart = cbdt.count
        for glyph in [6, 9] { cbdt.u32(4); cbdt.append(png(glyph, 4)) }
        let smallStart = cbdt.count
        cbdt.u8(10, 12, 0, 9, 12)
        cbdt.u32(2)
        cbdt.append(png(99, 2))
        let metrics = bigMetrics(width: 40, height: 36, bearingX: 2, bearingY: 30, advance: 44)
        var format2 = FieldWriter(), format3 = FieldWriter(), format5 = FieldWriter(), format1 = FieldWriter()
        format2.u32(8); format2.append(metrics)
        format3.u16(0, 15, 15, 30)
        format5.u32(8); format5.append(metrics); format5.u32(2); format5.u16(6, 9)
        format1.u32(0, 11)
        let cblc = cblcTable([
            (20, [IndexSubtable(glyphs: 1...1, indexFormat: 1, imageFormat: 17, imageDataOffset: smallStart, body: format1.bytes)]),
            (40, [IndexSubtable(glyphs: 1...2, indexFormat: 2, imageFormat: 19, imageDataOffset: format19Start, body: format2.bytes),
                  IndexSubtable(glyphs: 3...5, indexFormat: 3, imageFormat: 18, imageDataOffset: format18Start, body: format3.bytes),
                  IndexSubtable(glyphs: 6...9, indexFormat: 5, imageFormat: 19, imageDataOffset: sparseStart, body: format5.bytes)]),
        ])
        return try font([("CBDT", cbdt.bytes), ("CBLC", cblc)])
    }

    func testIndexFormats2And3And5LocateImageFormats18And19InTheLargestStrike() throws {
        let bitmaps = try ColorBitmaps(try bitmapFont())
        XCTAssertEqual(bitmaps.strikeCount, 2)
        XCTAssertEqual(bitmaps.pixelsPerEm, 40)
        XCTAssertEqual(bitmaps.indexFormats, [2, 3, 5])
        XCTAssertEqual(bitmaps.imageFormats, [18, 19])
        XCTAssertEqual(bitmaps.glyphs, [1, 2, 3, 5, 6, 9])
        let shared = GlyphMetrics(width: 40, height: 36, bearingX: 2, bearingY: 30, advance: 44)
        for glyph in [1, 2, 6, 9] {
            let bitmap = try XCTUnwrap(try bitmaps.bitmap(forGlyph: glyph), "glyph \(glyph)")
            XCTAssertEqual(bitmap.imageFormat, 19)
            XCTAssertEqual(bitmap.metrics, shared)
            XCTAssertEqual(Array(bitmap.png), [0x89] + [UInt8](repeating: UInt8(glyph), count: 3))
        }
        for (glyph, width) in [(3, 30), (5, 50)] {
            let bitmap = try XCTUnwrap(try bitmaps.bitmap(forGlyph: glyph), "glyph \(glyph)")
            XCTAssertEqual(bitmap.imageFormat, 18)
            XCTAssertEqual(bitmap.metrics, GlyphMetrics(width: width, height: 20, bearingX: -1, bearingY: 18, advance: width + 2))
            XCTAssertEqual(Array(bitmap.png), [0x89, UInt8(glyph), UInt8(glyph)])
        }
        for glyph in [0, 4, 7, 8, 10] { XCTAssertNil(try bitmaps.bitmap(forGlyph: glyph), "glyph \(glyph)") }
    }
}
