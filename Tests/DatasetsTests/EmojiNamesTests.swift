import Datasets
import Foundation
import XCTest

final class EmojiNamesTests: XCTestCase {
    private let excerpt = """
        # emoji-test.txt, a hand-written excerpt
        # group: Smileys & Emotion

        # subgroup: face-smiling
        1F600                                                  ; fully-qualified     # 😀 E1.0 grinning face
        263A FE0F                                              ; fully-qualified     # ☺️ E0.6 smiling face
        263A                                                   ; unqualified         # ☺ E0.6 smiling face

        # subgroup: face-affection
        1F970 ; fully-qualified # 🥰 E11.0 smiling face with hearts

        # group: Component

        # subgroup: skin-tone
        1F3FB                                                  ; component           # 🏻 E1.0 light skin tone

        # group: Flags
        # subgroup: country-flag
        1F1EF 1F1F5 ; fully-qualified # 🇯🇵 E0.6 flag: Japan
        1F3F3 200D 1F308 ; minimally-qualified # 🏳‍🌈 E4.0 rainbow flag
        #EOF
        """

    func testFullyQualifiedLinesAreKeptWithTheirGroupAndSubgroup() throws {
        let emoji = try EmojiNames.parse(excerpt, name: "excerpt.txt")
        XCTAssertEqual(emoji, [
            NamedEmoji(codePoints: [0x1F600], name: "grinning face", group: "Smileys & Emotion", subgroup: "face-smiling"),
            NamedEmoji(codePoints: [0x263A, 0xFE0F], name: "smiling face", group: "Smileys & Emotion", subgroup: "face-smiling"),
            NamedEmoji(codePoints: [0x1F970], name: "smiling face with hearts", group: "Smileys & Emotion",
                       subgroup: "face-affection"),
            NamedEmoji(codePoints: [0x1F1EF, 0x1F1F5], name: "flag: Japan", group: "Flags", subgroup: "country-flag"),
        ])
    }

    func testMalformedLinesAreErrorsNamingTheLine() {
        let header = "# group: Smileys & Emotion\n# subgroup: face-smiling\n"
        let cases = [
            (header + "1F60G ; fully-qualified # 😀 E1.0 grinning face", "line 3: \"1F60G\" is not a hexadecimal code point"),
            (header + "110000 ; fully-qualified # ? E1.0 beyond Unicode", "line 3: \"110000\" is not a hexadecimal code point"),
            (header + "1F600 ; fully qualified # 😀 E1.0 grinning face", "line 3: unknown status \"fully qualified\" (expected one "
                + "of component, fully-qualified, minimally-qualified, unqualified)"),
            (header + "1F600 fully-qualified # 😀 E1.0 grinning face",
             "line 3: expected \"CODEPOINTS ; STATUS # EMOJI Ex.y NAME\", found \"1F600 fully-qualified # 😀 E1.0 grinning face\""),
            (header + "1F600 ; fully-qualified # 😀 grinning face",
             "line 3: expected \"# EMOJI Ex.y NAME\" after the status, found \"# 😀 grinning face\""),
            (header + " ; fully-qualified # 😀 E1.0 grinning face", "line 3: no code points before the \";\""),
            ("# group: Flags\n1F1EF 1F1F5 ; fully-qualified # 🇯🇵 E0.6 flag: Japan",
             "line 2: an emoji before its \"# group:\" and \"# subgroup:\" headers"),
            (header + "263A ; unqualified # ☺ E0.6 smiling face", "lists no fully-qualified emoji"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try EmojiNames.parse(text, name: "names.txt")) { error in
                XCTAssertEqual("\(error)", "names.txt: \(message)")
            }
        }
    }

    /// The file's own "Status Counts" section says how many fully-qualified lines it has.
    func testTheInstalledFileGivesTheCountItsStatusSectionStates() throws {
        let text = try String(contentsOf: EmojiNames.defaultFile, encoding: .utf8)
        let countLine = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("# fully-qualified :") })
        let stated = try XCTUnwrap(Int(countLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)))
        let emoji = try EmojiNames.read()
        XCTAssertEqual(emoji.count, stated)
        XCTAssertGreaterThan(stated, 3_000)
        XCTAssertEqual(emoji.first, NamedEmoji(codePoints: [0x1F600], name: "grinning face", group: "Smileys & Emotion",
                                               subgroup: "face-smiling"))
    }

    func testAMissingFileIsNamed() {
        XCTAssertThrowsError(try EmojiNames.read(URL(fileURLWithPath: "/nonexistent/emoji-test.txt"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/emoji-test.txt: cannot read the emoji names"), "\(error)")
        }
    }
}
