import Foundation
import TensorCore
import TestSupport
import Text
import WeightIO
import XCTest

/// The encoder's structure, pooling and padding on a tiny random BERT, and a clear error for each kind
/// of bad configuration or weights file.
final class BertEncoderTests: XCTestCase {
    private static let tiny = BertConfiguration(vocabularySize: 12, hiddenSize: 8, layerCount: 2, headCount: 2,
                                                intermediateSize: 16, maxPositions: 10)

    private func tinyEncoder(seed: UInt64 = 1) -> BertEncoder {
        var generator = SeededGenerator(seed: seed)
        return BertEncoder(configuration: Self.tiny, generator: &generator)
    }

    /// The tiny encoder's weights under Hugging Face's names, as a model.safetensors would hold them.
    private func fileTensors(of encoder: BertEncoder) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: encoder.stateDict().map { (BertWeights.fileKey($0.key), $0.value) })
    }

    func testParameterKeysMapToHuggingFaceNames() {
        let keys = Set(fileTensors(of: tinyEncoder()).keys)
        let layer = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                     "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"]
        var expected: Set<String> = ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                                     "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight",
                                     "embeddings.LayerNorm.bias"]
        for index in 0..<2 {
            for module in layer {
                expected.insert("encoder.layer.\(index).\(module).weight")
                expected.insert("encoder.layer.\(index).\(module).bias")
            }
        }
        XCTAssertEqual(keys, expected)
    }

    func testMiniLMFileHoldsEveryTensorOfTheEncoderPlusPoolerAndPositionIDs() throws {
        let file = try SafeTensors.read(contentsOf: PretrainedWeights.miniLM().appendingPathComponent("model.safetensors"))
        let encoder = try miniLM().encoder
        let ours = Set(fileTensors(of: encoder).keys)
        XCTAssertEqual(Set(file.tensors.keys).subtracting(ours),
                       ["pooler.dense.weight", "pooler.dense.bias", "embeddings.position_ids"])
        XCTAssertTrue(ours.isSubset(of: Set(file.tensors.keys)))
        XCTAssertEqual(encoder.parameterCount, 22_565_376)  // 22.7 M with the pooler's 147,840
        XCTAssertTrue(encoder.trainableParameters.isEmpty, "the loaded encoder is frozen")
    }

    func testWeightsLoadUnderTheirFileNames() throws {
        let folder = try TemporaryFolder()
        let source = tinyEncoder(seed: 2)
        let url = folder.url.appendingPathComponent("model.safetensors")
        try SafeTensors.write(fileTensors(of: source), to: url)
        let loaded = try BertEncoder(configuration: Self.tiny, weightsFile: url)
        for (key, tensor) in source.stateDict() { XCTAssertEqual(loaded.stateDict()[key]?.scalars, tensor.scalars, key) }
    }

    func testMissingTensorIsNamed() throws {
        var tensors = fileTensors(of: tinyEncoder())
        tensors["encoder.layer.1.attention.output.LayerNorm.bias"] = nil
        try expectLoading(tensors, toFailWith: .missingTensor("encoder.layer.1.attention.output.LayerNorm.bias"))
    }

    func testMisshapenTensorNamesBothShapes() throws {
        var tensors = fileTensors(of: tinyEncoder())
        tensors["encoder.layer.0.intermediate.dense.weight"] = Tensor.zeros([16, 9])
        try expectLoading(tensors, toFailWith: .misshapenTensor("encoder.layer.0.intermediate.dense.weight",
                                                                shape: [16, 9], expected: [16, 8]))
    }

    func testDamagedWeightsFileIsASafeTensorsError() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write(Data([1, 2, 3]), to: "model.safetensors")
        XCTAssertThrowsError(try BertEncoder(configuration: Self.tiny, weightsFile: url)) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.path, url.path, "\(error)")
        }
    }

    /// Padding never changes the states of real tokens, nor the sentence embedding.
    func testPaddingDoesNotChangeRealTokens() {
        let encoder = tinyEncoder()
        let short = TokenBatch(rows: [[2, 5, 6, 3]], length: 4, paddingID: 0)
        let padded = TokenBatch(rows: [[2, 5, 6, 3], [2, 7, 3]], length: 7, paddingID: 0)
        let alone = encoder.hiddenStates(short)
        let together = encoder.hiddenStates(padded)
        XCTAssertEqual(together.shape, [2, 7, 8])
        assertClose(together.sliced(axis: 0, range: 0..<1).sliced(axis: 1, range: 0..<4), alone, rtol: 0, atol: 1e-5)
        assertClose(encoder.sentenceEmbeddings(padded).sliced(axis: 0, range: 0..<1), encoder.sentenceEmbeddings(short),
                    rtol: 0, atol: 1e-5)
    }

    /// Mean over the unmasked rows, then unit length: rows (3, 4) and (1, 2) with mask 1, 1, 0 → mean (2, 3) → /√13.
    func testMeanPoolingOverUnmaskedTokensThenUnitLength() {
        let states = Tensor(shape: [1, 3, 2], scalars: [3, 4, 1, 2, 100, -100])
        let mask = Tensor(shape: [1, 3], scalars: [1, 1, 0])
        let pooled = BertEncoder.meanPooledUnitVectors(states, mask: mask)
        assertClose(pooled, Tensor(shape: [1, 2], scalars: [2 / Float(13).squareRoot(), 3 / Float(13).squareRoot()]))
    }

    private func expectLoading(_ tensors: [String: Tensor], toFailWith problem: TextEncoderError.Problem,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("model.safetensors")
        try SafeTensors.write(tensors, to: url)
        XCTAssertThrowsError(try BertEncoder(configuration: Self.tiny, weightsFile: url), file: file, line: line) { error in
            XCTAssertEqual(error as? TextEncoderError, TextEncoderError(path: url.path, problem: problem),
                           file: file, line: line)
        }
    }
}
