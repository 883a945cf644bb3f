import NN
import TensorCore

/// BERT's input: each token's word embedding plus the embedding of its position plus that of token
/// type 0, layer-normalised. ids [N, L] (flat) → [N, L, hiddenSize].
/// Devlin et al. 2019, §3; Hugging Face `BertEmbeddings` (its dropout is off in inference).
public final class BertEmbeddings: Module {
    let wordEmbeddings: Embedding
    let positionEmbeddings: Embedding
    let tokenTypeEmbeddings: Embedding
    let norm: LayerNorm

    public init(_ configuration: BertConfiguration, generator: inout SeededGenerator) {
        let width = configuration.hiddenSize
        wordEmbeddings = Embedding(count: configuration.vocabularySize, dimension: width, generator: &generator)
        positionEmbeddings = Embedding(count: configuration.maxPositions, dimension: width, generator: &generator)
        tokenTypeEmbeddings = Embedding(count: configuration.tokenTypeCount, dimension: width, generator: &generator)
        norm = LayerNorm(features: width, epsilon: configuration.layerNormEpsilon)
        super.init()
    }

    /// `ids` holds `count` rows of `length` tokens, row-major.
    public func callAsFunction(_ ids: [Int], count: Int, length: Int) -> Tensor {
        precondition(ids.count == count * length, "BertEmbeddings: \(ids.count) ids are not \(count) rows of \(length)")
        let maxPositions = positionEmbeddings.weight.shape[0]
        precondition(length <= maxPositions, "BertEmbeddings: \(length) tokens exceed the \(maxPositions) positions")
        let words = wordEmbeddings(ids, shape: [count, length])
        let positions = positionEmbeddings(Array(0..<length))
        let tokenType = tokenTypeEmbeddings([0])
        return norm(words + positions + tokenType)
    }
}
