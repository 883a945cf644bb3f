import Foundation
import Text
import WeightIO
import XCTest

/// Reading Hugging Face's config.json: MiniLM's values, and a clear error naming the key for each kind
/// of bad file.
final class BertConfigurationTests: XCTestCase {
    private static let valid: [String: Any] = [
        "vocab_size": 30522, "hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12,
        "intermediate_size": 1536, "max_position_embeddings": 512, "type_vocab_size": 2,
        "layer_norm_eps": 1e-12, "hidden_act": "gelu", "position_embedding_type": "absolute",
        "model_type": "bert",
    ]

    func testMiniLMConfiguration() throws {
        let configuration = try BertConfiguration(contentsOf: PretrainedWeights.miniLM().appendingPathComponent("config.json"))
        XCTAssertEqual(configuration, BertConfiguration(vocabularySize: 30522, hiddenSize: 384, layerCount: 6, headCount: 12,
                                                        intermediateSize: 1536, maxPositions: 512, tokenTypeCount: 2,
                                                        layerNormEpsilon: 1e-12))
    }

    func testMissingKey() throws {
        var object = Self.valid
        object["num_attention_heads"] = nil
        try expect(object, toFailWith: .invalidConfiguration("lacks key num_attention_heads"))
    }

    func testMistypedKey() throws {
        var object = Self.valid
        object["hidden_size"] = "384"
        try expect(object, toFailWith: .invalidConfiguration("key hidden_size is not of type Int"))
    }

    func testUnsupportedActivation() throws {
        var object = Self.valid
        object["hidden_act"] = "relu"
        try expect(object, toFailWith: .unsupportedSetting(key: "hidden_act", value: "relu", expected: "gelu"))
    }

    func testUnsupportedPositionEmbeddings() throws {
        var object = Self.valid
        object["position_embedding_type"] = "relative_key"
        try expect(object, toFailWith: .unsupportedSetting(key: "position_embedding_type", value: "relative_key",
                                                           expected: "absolute"))
    }

    func testHeadsMustDivideTheWidth() throws {
        var object = Self.valid
        object["num_attention_heads"] = 7
        try expect(object, toFailWith: .unsupportedSetting(key: "num_attention_heads", value: "7",
                                                           expected: "a divisor of hidden_size 384"))
    }

    func testNonPositiveSize() throws {
        var object = Self.valid
        object["num_hidden_layers"] = 0
        try expect(object, toFailWith: .unsupportedSetting(key: "num_hidden_layers", value: "0", expected: "a positive size"))
    }

    func testNotJSONAndMissingFile() throws {
        let folder = try TemporaryFolder()
        let garbage = try folder.write("vocab_size = 3", to: "config.json")
        XCTAssertThrowsError(try BertConfiguration(contentsOf: garbage)) { error in
            guard let error = error as? TextEncoderError, case .invalidConfiguration(let reason) = error.problem else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue(reason.hasPrefix("is not JSON"), reason)
        }
        let absent = folder.url.appendingPathComponent("absent.json")
        XCTAssertThrowsError(try BertConfiguration(contentsOf: absent)) { error in
            guard let error = error as? TextEncoderError, case .unreadable = error.problem else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue("\(error)".contains(absent.path))
        }
    }

    func testVocabularyOfAnotherSizeThanTheConfigurationIsRefused() throws {
        let folder = try TemporaryFolder()
        var object = Self.valid
        object["vocab_size"] = 6
        try folder.write(JSONSerialization.data(withJSONObject: object), to: "config.json")
        let vocabulary = try folder.write(vocabularyText([]), to: "vocab.txt")
        XCTAssertThrowsError(try MiniLMTextEncoder(directory: folder.url)) { error in
            XCTAssertEqual(error as? TextEncoderError,
                           TextEncoderError(path: vocabulary.path, problem: .vocabularySizeMismatch(tokens: 5, configured: 6)))
        }
    }

    func testErrorMessageNamesFileAndKey() {
        let error = TextEncoderError(path: "/m/config.json", problem: .invalidConfiguration("lacks key hidden_size"))
        XCTAssertEqual("\(error)", "text encoder file /m/config.json is not a BERT configuration: it lacks key hidden_size")
    }

    private func expect(_ object: [String: Any], toFailWith problem: TextEncoderError.Problem,
                        file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = try TemporaryFolder()
        let url = try folder.write(JSONSerialization.data(withJSONObject: object), to: "config.json")
        XCTAssertThrowsError(try BertConfiguration(contentsOf: url), file: file, line: line) { error in
            XCTAssertEqual(error as? TextEncoderError, TextEncoderError(path: url.path, problem: problem),
                           file: file, line: line)
        }
    }
}
