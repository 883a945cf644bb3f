import Foundation
import TestSupport
import Text
import XCTest

/// Our tokenizer against Hugging Face's tokenizers library with all-MiniLM-L6-v2's tokenizer.json
/// (Scripts/fixtures/bert_tokenizer.py): every emoji name and sequence, hard cases, truncation and
/// padding, and every code point between two letters.
final class BertTokenizerParityTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Text: Decodable { let text: String; let ids: [Int] }
        struct Truncated: Decodable { let text: String; let max_length: Int; let ids: [Int]; let mask: [Int] }
        struct CodePoints: Decodable { let runs: [[Int]]; let explicit: [String: [Int]] }
        let texts: [Text]
        let truncated: [Truncated]
        let code_points: CodePoints
    }

    private static let fixture: Result<Fixture, Error> = Result {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Fixtures.url("bert_tokenizer.json")))
    }

    func testEveryFixtureTextGetsTheReferenceIDs() throws {
        let tokenizer = try miniLMTokenizer()
        let texts = try Self.fixture.get().texts
        XCTAssertGreaterThan(texts.count, 4000)
        let mismatches = texts.filter { tokenizer.ids($0.text) != $0.ids }
        for text in mismatches.prefix(10) {
            XCTFail("\(text.text.debugDescription): \(tokenizer.ids(text.text)), reference \(text.ids)")
        }
        XCTAssertEqual(mismatches.count, 0, "texts whose ids differ")
    }

    func testTruncationKeepsSeparatorAndPaddingFillsTheMask() throws {
        let tokenizer = try miniLMTokenizer()
        for entry in try Self.fixture.get().truncated {
            let batch = tokenizer.batch([entry.text], maxLength: entry.max_length)
            XCTAssertEqual(batch.ids, entry.ids, "\(entry.text) to \(entry.max_length)")
            XCTAssertEqual(batch.mask.scalars, entry.mask.map(Float.init), "\(entry.text) to \(entry.max_length)")
        }
    }

    /// "a" + c + "b": c removed, white space, part of an unknown word, an unknown word of its own, or
    /// the explicit ids; for every code point c of planes 0–3 and 14 (where characters are assigned),
    /// and every 97th of the others (unassigned planes 4–13, private-use planes 15–16), which keeps the
    /// test to a few seconds.
    func testCodePointsBetweenTwoLettersGetTheReferenceIDs() throws {
        let tokenizer = try miniLMTokenizer()
        let codePoints = try Self.fixture.get().code_points
        let classIDs: [[Int]] = [[11113], [1037, 1038], [100], [1037, 100, 1038]]
        var mismatches: [String] = []
        for (index, run) in codePoints.runs.enumerated() {
            let end = index + 1 < codePoints.runs.count ? codePoints.runs[index + 1][0] : 0x110000
            for value in run[0]..<end where value < 0x40000 || (0xE0000..<0xF0000).contains(value) || value % 97 == 0 {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let expected = run[1] < classIDs.count ? classIDs[run[1]] : codePoints.explicit[String(value)]
                let actual = tokenizer.pieceIDs("a" + String(scalar) + "b")
                if actual != expected {
                    mismatches.append("U+\(String(value, radix: 16, uppercase: true)): \(actual), reference \(expected ?? [])")
                }
            }
        }
        for mismatch in mismatches.prefix(20) { XCTFail(mismatch) }
        XCTAssertEqual(mismatches.count, 0, "code points whose ids differ")
    }
}
