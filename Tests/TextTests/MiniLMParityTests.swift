import Foundation
import TensorCore
import TestSupport
import Text
import XCTest

/// all-MiniLM-L6-v2 in Swift against Hugging Face transformers' BertModel on the same files
/// (Scripts/fixtures/minilm.py), end to end: our tokenizer gives the ids, our encoder the states.
final class MiniLMParityTests: XCTestCase {
    private struct Fixture: Decodable {
        struct States: Decodable { let shape: [Int]; let data: [Float] }
        let sentences: [String]
        let ids: [[Int]]
        let mask: [[Int]]
        let embeddings: [[Float]]
        let states: States
    }

    private func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Fixtures.url("minilm.json")))
    }

    /// The fixture's sentences through our tokenizer, padded to the longest as the reference did.
    private func tokens(_ fixture: Fixture) throws -> TokenBatch {
        try miniLM().tokenizer.batch(fixture.sentences, maxLength: 128, padding: .toLongest)
    }

    func testOurTokenizerGivesTheReferenceIDsAndMask() throws {
        let fixture = try fixture()
        let batch = try tokens(fixture)
        XCTAssertEqual(batch.ids, fixture.ids.flatMap { $0 })
        XCTAssertEqual(batch.mask.scalars, fixture.mask.flatMap { $0 }.map(Float.init))
    }

    /// Both paths: the encoder on the batch padded to the longest, and `MiniLMTextEncoder` on the
    /// captions (grouped by length, padding left out).
    func testSentenceEmbeddingsHaveCosineAtLeast0_9999() throws {
        let fixture = try fixture()
        let model = try miniLM()
        for embeddings in [model.encoder.sentenceEmbeddings(try tokens(fixture)), model.sentenceEmbeddings(fixture.sentences)] {
            XCTAssertEqual(embeddings.shape, [fixture.sentences.count, 384])
            for (row, expected) in fixture.embeddings.enumerated() {
                let actual = embeddings.sliced(axis: 0, range: row..<(row + 1)).scalars
                let cosine = zip(actual, expected).reduce(0) { $0 + $1.0 * $1.1 } / (norm(actual) * norm(expected))
                XCTAssertGreaterThanOrEqual(cosine, 0.9999, fixture.sentences[row])
                XCTAssertEqual(norm(actual), 1, accuracy: 1e-5, fixture.sentences[row])
            }
        }
    }

    /// The states are post-layer-norm values of order 1 (at most 2.1 in magnitude in the fixture's
    /// slice); both sides compute in float32 through six layers with different summation orders, which
    /// leaves differences of about 1e-5 (measured: 1.2e-5). 1e-4 · max|state| bounds them with room and
    /// stays far below what a wrong layer or mask would change (order 0.1 to 1).
    func testHiddenStatesMatchAtEveryPositionIncludingPadding() throws {
        let fixture = try fixture()
        let states = try miniLM().encoder.hiddenStates(tokens(fixture))
        let width = fixture.states.shape[2]
        XCTAssertEqual(Array(states.shape.prefix(2)), Array(fixture.states.shape.prefix(2)))
        let expected = Tensor(shape: fixture.states.shape, scalars: fixture.states.data)
        let scale = fixture.states.data.map(abs).max()!
        assertClose(states.sliced(axis: 2, range: 0..<width), expected, rtol: 0, atol: 1e-4 * scale)
    }

    /// `encode` groups captions by length: a caption's states are those of the encoder at its real
    /// tokens, and 0 at padding.
    func testEncodeGivesTheEncodersStatesAtRealTokensAndZeroAtPadding() throws {
        let model = try miniLM()
        let captions = ["grinning face with big eyes", "", "flag: United States"]
        let encoded = model.encode(captions, length: 16, batchSize: 2)
        XCTAssertEqual(encoded.states.shape, [3, 16, 384])
        XCTAssertEqual(encoded.mask.shape, [3, 16])
        XCTAssertEqual(encoded.tokens.tokenCounts, [7, 2, 6])  // [CLS] flag : united states [SEP]
        let reference = model.encoder.hiddenStates(model.tokenizer.batch(captions, maxLength: 16))
        for (row, count) in encoded.tokens.tokenCounts.enumerated() {
            let states = encoded.states.sliced(axis: 0, range: row..<(row + 1))
            assertClose(states.sliced(axis: 1, range: 0..<count),
                        reference.sliced(axis: 0, range: row..<(row + 1)).sliced(axis: 1, range: 0..<count),
                        rtol: 0, atol: 1e-5, captions[row])
            XCTAssertTrue(states.sliced(axis: 1, range: count..<16).scalars.allSatisfy { $0 == 0 }, captions[row])
        }
    }

    func testNoCaptionsGiveNoStates() throws {
        let encoded = try miniLM().encode([], length: 8)
        XCTAssertEqual(encoded.states.shape, [0, 8, 384])
        XCTAssertEqual(encoded.mask.shape, [0, 8])
    }

    private func norm(_ vector: [Float]) -> Float { vector.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
