import FontIO
import Foundation
import XCTest

/// Damaged copies of the installed NotoColorEmoji.ttf (truncated, or one field changed with the
/// table checksum kept right) each give a `FontError` naming the file, the table and the problem.
final class DamagedFontTests: XCTestCase {
    private let fileName = "damaged.ttf"

    private func font() throws -> [UInt8] { try InstalledEmojiFont.bytes.get() }

    /// The error opening `bytes` as an emoji font gives; fails the test when it opens.
    private func openingError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> FontError? {
        do {
            _ = try EmojiFont(try SfntFile(bytes: bytes, name: fileName))
            XCTFail("the damaged font opened", file: file, line: line)
        } catch let error as FontError {
            XCTAssertTrue(error.description.hasPrefix("\(fileName): "), error.description, file: file, line: line)
            return error
        } catch {
            XCTFail("not a FontError: \(error)", file: file, line: line)
        }
        return nil
    }

    private func record(_ tag: String) throws -> TableRecord {
        try XCTUnwrap(try InstalledEmojiFont.font.get().file.record(tag))
    }

    func testTruncatedFilesNameTheDirectoryOrTheTableCut() throws {
        let font = try font()
        XCTAssertEqual(openingError([])?.problem, .readPastEnd(offset: 0, count: 4, length: 0))
        let halfDirectory = openingError(Array(font.prefix(100)))
        XCTAssertEqual(halfDirectory?.table, SfntFile.directoryName)
        XCTAssertEqual(halfDirectory?.problem, .readPastEnd(offset: 100, count: 4, length: 100))
        XCTAssertEqual(halfDirectory?.description,
                       "damaged.ttf: table directory: truncated: 4 bytes at offset 100 run past its end (it has 100 bytes)")
        let cbdt = try record("CBDT")
        for kilobytes in [1, 4] {
            let error = openingError(Array(font.prefix(kilobytes * 1024)))
            XCTAssertEqual(error?.table, "CBDT", "the directory's first table (by tag) does not fit in \(kilobytes) KiB")
            XCTAssertEqual(error?.problem, .tableOutsideFile(offset: cbdt.offset, length: cbdt.length, fileLength: kilobytes * 1024))
        }
        let cut = try record("GSUB").offset + 1000
        XCTAssertEqual(openingError(Array(font.prefix(cut)))?.table, "GSUB")
    }

    func testATableDirectoryPointingPastTheEndIsRefused() throws {
        var font = try font()
        let entry = directoryRecord(font, "CBLC")
        font.replaceSubrange(entry + 8..<entry + 12, with: [0x7F, 0, 0, 0])
        let error = openingError(font)
        XCTAssertEqual(error?.table, "CBLC")
        XCTAssertEqual(error?.problem, .tableOutsideFile(offset: 0x7F00_0000, length: try record("CBLC").length, fileLength: font.count))
    }

    func testAChangedByteFailsItsTablesChecksum() throws {
        var font = try font()
        let cblc = try record("CBLC")
        font[cblc.offset + 100] ^= 0x01
        let error = openingError(font)
        XCTAssertEqual(error?.table, "CBLC")
        guard case .checksumMismatch(let stored, _) = error?.problem else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(stored, cblc.checksum)
        XCTAssertTrue(error!.description.contains("the file is damaged"), error!.description)
    }

    func testAFileThatIsNotAFontOrRepeatsOrLacksATableIsRefused() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
        XCTAssertEqual(openingError(png)?.problem, .notAFont(version: 0x8950_4E47))
        var font = try font()
        let gsub = directoryRecord(font, "GSUB")
        font.replaceSubrange(gsub..<gsub + 4, with: Array("CBLC".utf8))
        XCTAssertEqual(openingError(font)?.problem, .duplicateTable)
        font.replaceSubrange(gsub..<gsub + 4, with: Array("XXXX".utf8))
        let cblc = directoryRecord(font, "CBLC")
        font.replaceSubrange(cblc..<cblc + 4, with: Array("cblc".utf8))
        let missing = openingError(font)
        XCTAssertEqual(missing?.table, "CBLC")
        XCTAssertEqual(missing?.description, "damaged.ttf: table 'CBLC': missing; the font needs it")
    }

    func testAnOffsetOutsideItsTableIsRefused() throws {
        let font = try font(), length = try record("CBLC").length
        // The first strike's indexSubTableArrayOffset, 8 bytes into CBLC.
        let error = openingError(patched(font, table: "CBLC", at: 8, uint32: 0x00FF_0000))
        XCTAssertEqual(error?.table, "CBLC")
        XCTAssertEqual(error?.problem, .offsetOutsideTable(structure: "index subtable array", offset: 0x00FF_0000, size: 8, length: length))
        // GSUB's lookup list offset.
        let gsub = openingError(patched(font, table: "GSUB", at: 8, uint16: 0xFFF0))
        XCTAssertEqual(gsub?.problem, .offsetOutsideTable(structure: "lookup list", offset: 0xFFF0, size: 2,
                                                          length: try record("GSUB").length))
    }

    func testAHugeCountIsRefusedBeforeAnythingIsAllocated() throws {
        let font = try font(), cblc = try record("CBLC"), cmap = try record("cmap")
        XCTAssertEqual(openingError(patched(font, table: "CBLC", at: 4, uint32: 0xFFFF_FFFF))?.problem,
                       .readPastEnd(offset: 8, count: 48 * 0xFFFF_FFFF, length: cblc.length))
        let format12 = field(font, cmap.offset + 16)  // the second encoding record's subtable
        XCTAssertEqual(openingError(patched(font, table: "cmap", at: format12 + 12, uint32: 0xFFFF_FFFF))?.problem,
                       .readPastEnd(offset: format12 + 16, count: 12 * 0xFFFF_FFFF, length: cmap.length))
    }

    func testUnknownFormatsAreNamed() throws {
        let font = try font()
        // The first index subtable: the array is at 56 in this font (right after the one strike
        // record), and its first entry's subtable offset is relative to the array.
        let array = field(font, try record("CBLC").offset + 8)
        let subtable = array + field(font, try record("CBLC").offset + array + 4)
        let indexFormat = openingError(patched(font, table: "CBLC", at: subtable, uint16: 4))
        XCTAssertEqual(indexFormat?.problem, .unsupportedFormat(structure: "index subtable (at \(subtable))", format: 4))
        let imageFormat = openingError(patched(font, table: "CBLC", at: subtable + 2, uint16: 20))
        XCTAssertEqual(imageFormat?.table, "CBLC")
        XCTAssertEqual(imageFormat?.description, "damaged.ttf: table 'CBLC': unknown CBDT glyph image (index subtable at "
                       + "\(subtable)) format 20")
        XCTAssertEqual(openingError(patched(font, table: "CBDT", at: 0, uint16: 2))?.problem,
                       .unsupportedFormat(structure: "CBDT version", format: 2))
        // The cmap's format-12 subtable (the second encoding record's) becomes format 13.
        let cmap = try record("cmap").offset
        let unicode = field(font, cmap + 4 + 8 + 4)
        let noUnicode = openingError(patched(font, table: "cmap", at: unicode, uint16: 13))
        XCTAssertEqual(noUnicode?.description,
                       "damaged.ttf: table 'cmap': no Unicode subtable of format 4 or 12 (found: (0, 5) format 14, (3, 10) format 13)")
    }

    func testAGlyphRecordLongerThanItsBitmapIsRefusedWhenRead() throws {
        let font = try font()
        let installed = try InstalledEmojiFont.font.get()
        let glyph = try XCTUnwrap(installed.glyph(forSequence: [0x1F600]))
        let png = try XCTUnwrap(try installed.bitmap(forGlyph: glyph)).png
        // Find the glyph's record in CBDT: its PNG follows 5 bytes of small metrics and the 4-byte length.
        let cbdt = try record("CBDT")
        let start = try XCTUnwrap(Data(font[cbdt.offset..<cbdt.offset + cbdt.length]).range(of: png)).lowerBound
        let damaged = try EmojiFont(try SfntFile(bytes: patched(font, table: "CBDT", at: start - 4, uint32: UInt32(png.count + 1)),
                                                 name: fileName))
        XCTAssertThrowsError(try damaged.bitmap(forGlyph: glyph)) { error in
            XCTAssertEqual((error as? FontError)?.table, "CBDT")
            XCTAssertTrue("\(error)".contains("glyph \(glyph)'s PNG (\(png.count + 1) bytes"), "\(error)")
        }
    }

    func testAMissingFileSaysWhy() {
        XCTAssertThrowsError(try EmojiFont(contentsOf: URL(fileURLWithPath: "/nonexistent/emoji.ttf"))) { error in
            XCTAssertEqual("\(error)", "/nonexistent/emoji.ttf: cannot read the file: No such file or directory")
        }
    }
}
