import Foundation

/// The shape of a BERT encoder, as Hugging Face's `config.json` gives it (its key in brackets).
public struct BertConfiguration: Codable, Equatable, Sendable {
    /// Tokens in the vocabulary (`vocab_size`): 30,522 for BERT's uncased WordPiece.
    public var vocabularySize: Int
    /// The width of every token's state (`hidden_size`): 384 for all-MiniLM-L6-v2.
    public var hiddenSize: Int
    /// Transformer layers (`num_hidden_layers`).
    public var layerCount: Int
    /// Attention heads per layer (`num_attention_heads`); they split `hiddenSize`.
    public var headCount: Int
    /// The width of the feed-forward network (`intermediate_size`).
    public var intermediateSize: Int
    /// The longest input, in tokens (`max_position_embeddings`).
    public var maxPositions: Int
    /// Segment types (`type_vocab_size`); every token here is of type 0.
    public var tokenTypeCount: Int
    /// Added to the variance in every layer norm (`layer_norm_eps`): 1e-12 for BERT.
    public var layerNormEpsilon: Float
    /// The feed-forward activation (`hidden_act`); only "gelu" (the exact, erf form) is supported.
    public var hiddenActivation: String
    /// "absolute" (learned position embeddings), the only kind supported (`position_embedding_type`).
    public var positionEmbeddingType: String?

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size", hiddenSize = "hidden_size", layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads", intermediateSize = "intermediate_size"
        case maxPositions = "max_position_embeddings", tokenTypeCount = "type_vocab_size"
        case layerNormEpsilon = "layer_norm_eps", hiddenActivation = "hidden_act"
        case positionEmbeddingType = "position_embedding_type"
    }

    public init(vocabularySize: Int, hiddenSize: Int, layerCount: Int, headCount: Int, intermediateSize: Int,
                maxPositions: Int, tokenTypeCount: Int = 2, layerNormEpsilon: Float = 1e-12) {
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.tokenTypeCount = tokenTypeCount
        self.layerNormEpsilon = layerNormEpsilon
        hiddenActivation = "gelu"
        positionEmbeddingType = "absolute"
    }

    /// Reads a Hugging Face `config.json` (its other keys are ignored) and checks it.
    /// - Throws: `TextEncoderError` naming the file and the missing, mistyped or unsupported key.
    public init(contentsOf url: URL) throws {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw TextEncoderError(path: url.path, problem: .unreadable(reason: error.localizedDescription))
        }
        do {
            self = try JSONDecoder().decode(BertConfiguration.self, from: bytes)
        } catch let error as DecodingError {
            throw TextEncoderError(path: url.path, problem: .invalidConfiguration(Self.explanation(of: error)))
        }
        if let problem = unsupportedSetting { throw TextEncoderError(path: url.path, problem: problem) }
    }

    /// Why this configuration cannot be built, or nil.
    var unsupportedSetting: TextEncoderError.Problem? {
        let sizes: [(String, Int)] = [
            ("vocab_size", vocabularySize), ("hidden_size", hiddenSize), ("num_hidden_layers", layerCount),
            ("num_attention_heads", headCount), ("intermediate_size", intermediateSize),
            ("max_position_embeddings", maxPositions), ("type_vocab_size", tokenTypeCount),
        ]
        if let (key, value) = sizes.first(where: { $0.1 < 1 }) {
            return .unsupportedSetting(key: key, value: "\(value)", expected: "a positive size")
        }
        if hiddenSize % headCount != 0 {
            return .unsupportedSetting(key: "num_attention_heads", value: "\(headCount)",
                                       expected: "a divisor of hidden_size \(hiddenSize)")
        }
        if hiddenActivation != "gelu" {
            return .unsupportedSetting(key: "hidden_act", value: hiddenActivation, expected: "gelu")
        }
        if let kind = positionEmbeddingType, kind != "absolute" {
            return .unsupportedSetting(key: "position_embedding_type", value: kind, expected: "absolute")
        }
        return nil
    }

    /// A decoding error as one sentence naming the key.
    private static func explanation(of error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, _): return "lacks key \(key.stringValue)"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "key \(path(context)) is not of type \(type)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "is not JSON: \(context.debugDescription)"
                : "key \(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
