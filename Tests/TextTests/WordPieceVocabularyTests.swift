import Foundation
import Text
import XCTest

/// Reading `vocab.txt`: ids by line, and a clear error for each kind of bad file.
final class WordPieceVocabularyTests: XCTestCase {
    func testIDsAreLineNumbersFromZero() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write(vocabularyText(["un", "##aff"]), to: "vocab.txt")
        let vocabulary = try WordPieceVocabulary(contentsOf: url)
        XCTAssertEqual(vocabulary.tokens.count, 7)
        XCTAssertEqual([vocabulary.paddingID, vocabulary.unknownID, vocabulary.classifierID, vocabulary.separatorID],
                       [0, 1, 2, 3])
        XCTAssertEqual(vocabulary.id(of: "un"), 5)
        XCTAssertEqual(vocabulary.id(of: "##aff"), 6)
        XCTAssertNil(vocabulary.id(of: "aff"))
    }

    func testWindowsLineEndingsAreNotPartOfTokens() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write(vocabularyText(["cat"]).replacingOccurrences(of: "\n", with: "\r\n"), to: "vocab.txt")
        XCTAssertEqual(try WordPieceVocabulary(contentsOf: url).id(of: "cat"), 5)
    }

    /// Tokens are matched by code points: "é" precomposed and "e" + U+0301 are different tokens.
    func testCanonicallyEquivalentTokensAreDistinct() throws {
        let vocabulary = try WordPieceVocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "\u{E9}", "e\u{301}"])
        XCTAssertEqual(vocabulary.id(of: "\u{E9}"), 4)
        XCTAssertEqual(vocabulary.id(of: "e\u{301}"), 5)
    }

    func testMissingFile() throws {
        let url = try TemporaryFolder().url.appendingPathComponent("absent.txt")
        XCTAssertThrowsError(try WordPieceVocabulary(contentsOf: url)) { error in
            guard let error = error as? VocabularyError, case .unreadable = error.problem else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(error.source, url.path)
            XCTAssertTrue("\(error)".contains(url.path), "\(error)")
        }
    }

    func testEmptyFile() throws {
        try expect(.empty, reading: Data())
        try expect(.empty, reading: Data("\n".utf8).prefix(0))
    }

    func testMissingSpecialTokens() throws {
        for missing in ["[UNK]", "[CLS]", "[SEP]", "[PAD]"] {
            let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello"].filter { $0 != missing }
            try expect(.missingSpecialToken(missing), reading: Data(tokens.joined(separator: "\n").utf8))
        }
    }

    func testDuplicateTokenNamesBothLines() throws {
        try expect(.duplicateToken("cat", firstLine: 6, line: 8), reading: Data(vocabularyText(["cat", "dog", "cat"]).utf8))
    }

    func testNotUTF8() throws {
        try expect(.notUTF8, reading: Data([0x5B, 0x50, 0x41, 0x44, 0x5D, 0x0A, 0xFF, 0xFE, 0x0A]))
    }

    func testErrorMessagesNameTheFileAndTheProblem() {
        let error = VocabularyError(source: "/x/vocab.txt", problem: .missingSpecialToken("[SEP]"))
        XCTAssertEqual("\(error)", "WordPiece vocabulary /x/vocab.txt lacks the special token [SEP] "
                       + "(a BERT vocabulary needs [UNK], [CLS], [SEP] and [PAD])")
    }

    private func expect(_ problem: VocabularyError.Problem, reading bytes: Data,
                        file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = try TemporaryFolder()
        let url = try folder.write(bytes, to: "vocab.txt")
        XCTAssertThrowsError(try WordPieceVocabulary(contentsOf: url), file: file, line: line) { error in
            XCTAssertEqual(error as? VocabularyError, VocabularyError(source: url.path, problem: problem),
                           file: file, line: line)
        }
    }
}
