import Visuals
import XCTest

final class BitmapFontTests: XCTestCase {
    private let printable = (33...126).map { Character(UnicodeScalar(UInt8($0))) }

    func testEveryPrintableCharacterHasItsOwnNonEmptyGlyph() {
        var seen: [[UInt8]: Character] = [:]
        for character in printable {
            let rows = BitmapFont.rows(of: character)
            XCTAssertEqual(rows.count, BitmapFont.glyphHeight, "\(character)")
            XCTAssertTrue(rows.contains { $0 != 0 }, "\(character) is blank")
            XCTAssertTrue(rows.allSatisfy { $0 < 1 << BitmapFont.glyphWidth }, "\(character) is wider than 5")
            if let other = seen[rows] { XCTFail("\(character) looks like \(other)") }
            seen[rows] = character
        }
    }

    func testOnlyDescendersUseTheLowestRows() {
        let descending = Set("gjpqy_,")
        for character in printable {
            let usesLowRows = BitmapFont.rows(of: character)[7...].contains { $0 != 0 }
            XCTAssertEqual(usesLowRows, descending.contains(character), "\(character)")
        }
    }

    func testSpaceIsBlankAndUnknownCharactersLookLikeAQuestionMark() {
        XCTAssertEqual(BitmapFont.rows(of: " "), [UInt8](repeating: 0, count: 9))
        XCTAssertEqual(BitmapFont.rows(of: "é"), BitmapFont.rows(of: "?"))
        XCTAssertEqual(BitmapFont.width(of: "loss", scale: 2), (4 * 6 - 1) * 2)
        XCTAssertEqual(BitmapFont.width(of: ""), 0)
    }

    func testDigitsMatchTheirDrawings() {
        // The 1 and the 7, read back as pictures.
        XCTAssertEqual(picture("1"), ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###.", ".....", "....."])
        XCTAssertEqual(picture("7"), ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#...", ".....", "....."])
    }

    private func picture(_ character: Character) -> [String] {
        BitmapFont.rows(of: character).map { bits in
            String((0..<5).map { bits & (1 << (4 - $0)) != 0 ? "#" : "." })
        }
    }
}
