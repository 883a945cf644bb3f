import Foundation
import Text
import XCTest

/// The tokenizer's rules on a small vocabulary, each against ids worked out by hand.
final class BertTokenizerTests: XCTestCase {
    /// [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, then these from 5 on.
    private static let words = ["un", "##aff", "##able", "a", "##ff", "cafe", ",", "!", "face", "##s", "中", "x"]
    private let tokenizer = BertTokenizer(vocabulary: try! WordPieceVocabulary(tokens: [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    ] + BertTokenizerTests.words))

    private func id(_ token: String) -> Int { tokenizer.vocabulary.id(of: token)! }

    func testGreedyLongestMatchFirst() {
        XCTAssertEqual(tokenizer.pieceIDs("unaffable"), [id("un"), id("##aff"), id("##able")])
        // "aff" could be a + ##ff, but the first piece is the longest that matches: "a", then "##ff".
        XCTAssertEqual(tokenizer.pieceIDs("aff"), [id("a"), id("##ff")])
        XCTAssertEqual(tokenizer.tokens("faces"), ["[CLS]", "face", "##s", "[SEP]"])
    }

    func testUnspellableWordIsOneUnknownToken() {
        XCTAssertEqual(tokenizer.pieceIDs("unaffablez faces"), [id("[UNK]"), id("face"), id("##s")])
    }

    func testWordLongerThanTheLimitIsUnknown() {
        let limited = BertTokenizer(vocabulary: tokenizer.vocabulary, maxCharactersPerWord: 4)
        XCTAssertEqual(limited.pieceIDs("face"), [id("face")])
        XCTAssertEqual(limited.pieceIDs("faces"), [id("[UNK]")])
    }

    func testLowerCasingAccentStrippingAndPunctuation() {
        XCTAssertEqual(tokenizer.pieceIDs("  CAFÉ,Face!\t"), [id("cafe"), id(","), id("face"), id("!")])
        XCTAssertEqual(tokenizer.pieceIDs("Cafe\u{301}"), [id("cafe")])
    }

    func testIdeographsAreWordsOfTheirOwn() {
        XCTAssertEqual(tokenizer.pieceIDs("x中x"), [id("x"), id("中"), id("x")])
    }

    func testControlAndFormatCharactersVanish() {
        XCTAssertEqual(tokenizer.pieceIDs("fa\u{200D}ce\u{0}\u{7}s"), [id("face"), id("##s")])
    }

    func testSpecialTokensWrittenInTheTextKeepTheirIDs() {
        XCTAssertEqual(tokenizer.pieceIDs("face[SEP]x [MASK]"), [id("face"), id("[SEP]"), id("x"), id("[MASK]")])
    }

    func testEmptyTextIsClassifierAndSeparator() {
        XCTAssertEqual(tokenizer.ids(""), [id("[CLS]"), id("[SEP]")])
        XCTAssertEqual(tokenizer.ids(" \n\t "), [id("[CLS]"), id("[SEP]")])
    }

    func testTruncationKeepsTheSeparatorLast() {
        XCTAssertEqual(tokenizer.ids("un face x", maxLength: 4), [id("[CLS]"), id("un"), id("face"), id("[SEP]")])
        XCTAssertEqual(tokenizer.ids("un face x", maxLength: 2), [id("[CLS]"), id("[SEP]")])
        XCTAssertEqual(tokenizer.ids("face", maxLength: 10), [id("[CLS]"), id("face"), id("[SEP]")])
    }

    func testBatchPadsToMaxLengthWithMask() {
        let batch = tokenizer.batch(["face", "un face x y"], maxLength: 5)
        XCTAssertEqual(batch.count, 2)
        XCTAssertEqual(batch.length, 5)
        XCTAssertEqual(Array(batch.row(0)), [2, id("face"), 3, 0, 0])
        XCTAssertEqual(Array(batch.row(1)), [2, id("un"), id("face"), id("x"), 3])
        XCTAssertEqual(batch.tokenCounts, [3, 5])
        XCTAssertEqual(batch.mask.shape, [2, 5])
        XCTAssertEqual(batch.mask.scalars, [1, 1, 1, 0, 0, 1, 1, 1, 1, 1])
    }

    func testBatchPadsToTheLongestWhenAsked() {
        let batch = tokenizer.batch(["face", "un face"], maxLength: 32, padding: .toLongest)
        XCTAssertEqual(batch.length, 4)
        XCTAssertEqual(batch.ids, [2, id("face"), 3, 0, 2, id("un"), id("face"), 3])
    }
}
