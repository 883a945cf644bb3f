import Datasets
import FontIO
import Foundation
import ImageIO
import TensorCore
import TestSupport
import XCTest

/// What Scripts/fixtures/emoji_font.py found with HarfBuzz and Pillow (Tests/Fixtures/emoji_font.json).
private struct EmojiFixture: Decodable {
    struct Named: Decodable { let fullyQualified, found, distinctGlyphs, unnamedBitmapGlyphs: Int; let groups: [String] }
    struct Bitmaps: Decodable { let glyphCount: Int }
    let glyphCount: Int
    let named: Named
    let bitmaps: Bitmaps
    /// [32][32][3]
    let heart32: [[[UInt8]]]

    static let shared = Result {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(EmojiFixture.self, from: Data(contentsOf: Fixtures.url("emoji_font.json")))
    }
}

/// The installed font and names, matched once for all the tests; the held-out split decoded once at 32².
private enum Shared {
    static let catalog = Result { try EmojiCatalog() }
    static let heldOut = Result { try EmojiDataset(catalog: try catalog.get(), split: .heldout, imageSize: 32) }
}

final class EmojiDatasetTests: XCTestCase {
    private var catalog: EmojiCatalog { get throws { try Shared.catalog.get() } }

    func testEveryNamedEmojiHarfBuzzFindsIsFoundAndReported() throws {
        let (catalog, fixture) = (try catalog, try EmojiFixture.shared.get())
        let report = catalog.report
        XCTAssertEqual(report.glyphCount, fixture.glyphCount)
        XCTAssertEqual(report.glyphsWithBitmaps, fixture.bitmaps.glyphCount)
        XCTAssertEqual(report.namedSequences, fixture.named.fullyQualified)
        XCTAssertEqual(report.found, fixture.named.found)
        XCTAssertGreaterThan(report.found, 3_000)
        XCTAssertEqual(report.distinctGlyphs, fixture.named.distinctGlyphs)
        XCTAssertEqual(report.missing, [])
        XCTAssertEqual(report.unnamedGlyphs, fixture.named.unnamedBitmapGlyphs)
        XCTAssertEqual(catalog.groups, fixture.named.groups)
        XCTAssertEqual(catalog.entries.count, report.found)
        for entry in catalog.entries {
            XCTAssertEqual(catalog.groups[entry.group], entry.emoji.group)
            XCTAssertEqual(catalog.subgroups[entry.subgroup], entry.emoji.subgroup)
        }
        print("emoji load report:\n\(report)")
    }

    func testNamesTheFontCannotShowAreListedAsMissing() throws {
        let font = try catalog.font
        let names = [
            NamedEmoji(codePoints: [0x1F600], name: "grinning face", group: "Smileys & Emotion", subgroup: "face-smiling"),
            NamedEmoji(codePoints: [0x41], name: "latin A", group: "Letters", subgroup: "latin"),
            NamedEmoji(codePoints: [0x1F600, 0x1F600], name: "two faces", group: "Smileys & Emotion", subgroup: "pairs"),
        ]
        let small = EmojiCatalog(font: font, names: names, namesFile: "names.txt")
        XCTAssertEqual(small.entries.map(\.emoji.name), ["grinning face"])
        XCTAssertEqual(small.groups, ["Smileys & Emotion"])
        XCTAssertEqual(small.report.missing.map(\.name), ["latin A", "two faces"])
        let lines = small.report.description.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(lines.suffix(3)), [
            "glyphs with a bitmap left unnamed: \(font.bitmaps.glyphs.count - 1)",
            "missing: latin A (41)", "missing: two faces (1F600 1F600)",
        ])
        XCTAssertEqual(lines[1], "  " + font.summary)
        XCTAssertEqual(lines[2], "names.txt: 3 fully-qualified emoji; 1 found in the font (1 distinct glyphs), 2 missing")
    }

    func testTheSplitIsFixedAboutATenthAndKeepsSkinTonesAndSharedPicturesTogether() throws {
        let entries = try catalog.entries, emoji = entries.map(\.emoji)
        let splits = EmojiSplit.assign(entries)
        XCTAssertEqual(EmojiSplit.assign(entries), splits)
        let heldOut = splits.filter { $0 == .heldout }.count
        let wanted = Int((Double(emoji.count) * 0.1).rounded())
        XCTAssertGreaterThanOrEqual(heldOut, wanted)
        XCTAssertLessThan(heldOut, wanted + 30, "whole bases are held out until a tenth is reached")
        var splitOfBase: [[UInt32]: EmojiSplit] = [:], splitOfGlyph: [Int: EmojiSplit] = [:]
        for (entry, split) in zip(entries, splits) {
            let base = entry.emoji.codePoints.filter { $0 != 0xFE0F && !(0x1F3FB...0x1F3FF).contains($0) }
            XCTAssertEqual(splitOfBase[base, default: split], split, "\(entry.emoji.name) is split from its other skin tones")
            XCTAssertEqual(splitOfGlyph[entry.glyph, default: split], split, "\(entry.emoji.name) shares a picture across splits")
            (splitOfBase[base], splitOfGlyph[entry.glyph]) = (split, split)
        }
        let heldOutGroups = Set(zip(emoji, splits).filter { $0.1 == .heldout }.map(\.0.group))
        XCTAssertEqual(heldOutGroups.count, try catalog.groups.count, "every group has held-out emoji")
    }

    func testHeldOutSamplesCarryTheirCaptionGroupAndSubgroup() throws {
        let dataset = try Shared.heldOut.get()
        let splits = EmojiSplit.assign(try catalog.entries)
        XCTAssertEqual(dataset.count, splits.filter { $0 == .heldout }.count)
        XCTAssertEqual(dataset.classNames, try catalog.groups)
        XCTAssertEqual(dataset.channels, 3)
        var generator = SeededGenerator(seed: 1)
        for index in [0, dataset.count / 2, dataset.count - 1] {
            let sample = try dataset.sample(at: index, generator: &generator)
            let emoji = dataset.entries[index].emoji
            XCTAssertEqual(sample.image.shape, [3, 32, 32])
            XCTAssertEqual(sample.caption, emoji.name)
            XCTAssertEqual(dataset.classNames[try XCTUnwrap(sample.label)], emoji.group)
            XCTAssertEqual(dataset.subgroupNames[dataset.subgroup(at: index)], emoji.subgroup)
            XCTAssertTrue(sample.source.contains(emoji.name), sample.source)
        }
    }

    func testLabelsCanBeTheSubgroups() throws {
        let names = try EmojiNames.read().prefix(40)
        let catalog = EmojiCatalog(font: try catalog.font, names: Array(names))
        let dataset = try EmojiDataset(catalog: catalog, split: .train, imageSize: 8, labels: .subgroup)
        XCTAssertEqual(dataset.classNames, catalog.subgroups)
        XCTAssertGreaterThan(Set(dataset.entries.map(\.subgroup)).count, 1, "the first 40 names span several subgroups")
        var generator = SeededGenerator(seed: 1)
        for index in 0..<dataset.count {
            let label = try XCTUnwrap(try dataset.sample(at: index, generator: &generator).label)
            XCTAssertEqual(dataset.classNames[label], dataset.entries[index].emoji.subgroup)
        }
    }

    func testCaptionsCanAlsoNameTheGroupAndSubgroup() throws {
        let names = try EmojiNames.read().prefix(12)
        let catalog = EmojiCatalog(font: try catalog.font, names: Array(names))
        let dataset = try EmojiDataset(catalog: catalog, split: .train, imageSize: 8, captions: .nameGroupSubgroup)
        XCTAssertEqual(dataset.count, 11, "one of 12 held out")
        let first = dataset.entries[0].emoji
        XCTAssertEqual(dataset.caption(at: 0), "\(first.name), Smileys & Emotion, \(first.subgroup)")
        var generator = SeededGenerator(seed: 1)
        XCTAssertEqual(try dataset.sample(at: 0, generator: &generator).caption, dataset.caption(at: 0))
    }

    /// The red heart prepared as the dataset prepares it, against Pillow's composite on white,
    /// white square and BOX resize (±1 grey level: Pillow rounds between its passes).
    func testTheHeartIsCompositedOnWhitePaddedAndShrunkAsPillowDoes() throws {
        let (font, fixture) = (try catalog.font, try EmojiFixture.shared.get())
        let glyph = try XCTUnwrap(font.glyph(forSequence: [0x2764, 0xFE0F]))
        let image = try Image(emojiPNG: try XCTUnwrap(try font.bitmap(forGlyph: glyph)).png, size: 32, name: "red heart")
        XCTAssertEqual([image.width, image.height, image.channels], [32, 32, 3])
        var largest = 0
        for y in 0..<32 {
            for x in 0..<32 {
                for (ours, pillows) in zip(image[x, y], fixture.heart32[y][x]) { largest = max(largest, abs(Int(ours) - Int(pillows))) }
            }
        }
        XCTAssertLessThanOrEqual(largest, 1)
        XCTAssertEqual(Array(image[0, 0]), [255, 255, 255], "the transparent corner becomes white")
        let middle = Array(image[16, 16])
        XCTAssertTrue(middle[0] > 200 && middle[1] < 100 && middle[2] < 100, "\(middle) is not red")
    }

    func testAnUndecodableBitmapIsNamed() {
        XCTAssertThrowsError(try Image(emojiPNG: Data([1, 2, 3]), size: 32, name: "font.ttf glyph 7 (seven)")) { error in
            XCTAssertEqual("\(error)", "font.ttf glyph 7 (seven): not a JPEG or PNG file (starts with 01 02 03)")
        }
    }

    func testBadSettingsAndMissingFilesAreClearErrors() throws {
        XCTAssertThrowsError(try EmojiDataset(catalog: try catalog, split: .train, imageSize: 4)) { error in
            XCTAssertEqual("\(error)", "emoji image size is 4; expected 8 to 136")
        }
        XCTAssertThrowsError(try EmojiCatalog(fontFile: URL(fileURLWithPath: "/nonexistent/NotoColorEmoji.ttf"))) { error in
            XCTAssertEqual("\(error)", "emoji: /nonexistent lacks NotoColorEmoji.ttf; install the Debian packages "
                           + "fonts-noto-color-emoji and unicode-data (sudo apt-get install fonts-noto-color-emoji "
                           + "unicode-data, or make setup)")
        }
    }

    /// Reads the font and names, then decodes the training split at 64² (the one full decode of the suite).
    func testTheTrainingSplitLoadsAndItsSpeedIsReported() throws {
        let start = Date()
        let catalog = try EmojiCatalog()
        let matched = Date()
        let train = try EmojiDataset(catalog: catalog, split: .train, imageSize: 64)
        let decoded = Date()
        XCTAssertEqual(train.count + (try Shared.heldOut.get().count), catalog.entries.count)
        XCTAssertEqual(Set(train.entries.map(\.glyph)).intersection(try Shared.heldOut.get().entries.map(\.glyph)), [])
        var generator = SeededGenerator(seed: 1)
        XCTAssertEqual(try train.sample(at: 0, generator: &generator).image.shape, [3, 64, 64])
        print("emoji: font and names read and matched in \(Int(matched.timeIntervalSince(start) * 1000)) ms; "
              + "\(train.count) training images decoded at 64² in \(Int(decoded.timeIntervalSince(matched) * 1000)) ms")
    }
}
