import NN
import TensorCore

/// The shape of the text encoder trained with the UNet (CompVis `BERTEmbedder` parameters).
public struct TextTransformerArchitecture: Codable, Equatable, Sendable {
    /// Token ids run over 0..<vocabularySize (BERT's uncased WordPiece: 30,522).
    public var vocabularySize = 30_522
    /// Captions are padded or cut to this many tokens (CompVis 77).
    public var maxLength = 77
    /// Width of the token vectors, the cross-attention context dimension (`n_embed`).
    public var width = 256
    /// Number of transformer layers (`n_layer`).
    public var depth = 4
    public var heads = 8
    /// Channels per head (x-transformers' default 64).
    public var headChannels = 64

    public init() {}

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size", maxLength = "max_seq_len", width = "n_embed", depth = "n_layer"
        case heads, headChannels = "dim_head"
    }
}

/// The text encoder τθ of the paper's text-to-image model, trained from scratch with the UNet: token
/// and learned position embeddings (both N(0, 0.02)), `depth` pre-norm transformer layers (self-attention
/// over all positions, padding included, as the reference; then a GELU feed-forward of 4× the width),
/// and a final layer norm.
///
/// ids [B, L] (L ≤ maxLength) → per-token vectors [B, L, width], the cross-attention context.
/// CompVis ldm/modules/encoders/modules.py `BERTEmbedder` = x-transformers' `TransformerWrapper` over
/// an `Encoder` (ldm/modules/x_transformer.py), with `return_embeddings=True`.
public final class TextTransformer: Module {
    public let architecture: TextTransformerArchitecture
    let tokenEmbedding: Embedding
    let positionEmbedding: Embedding
    let layers: [TextTransformerLayer]
    let finalNorm: LayerNorm

    public init(_ architecture: TextTransformerArchitecture, generator: inout SeededGenerator) {
        let a = architecture
        precondition(a.vocabularySize > 0 && a.maxLength > 0 && a.width > 0 && a.depth >= 0 && a.heads > 0
                     && a.headChannels > 0, "TextTransformer: every size must be positive, got \(a)")
        self.architecture = a
        tokenEmbedding = Embedding(count: a.vocabularySize, dimension: a.width, generator: &generator)
        tokenEmbedding.weight = Tensor.randomNormal([a.vocabularySize, a.width], standardDeviation: 0.02,
                                                    using: &generator)
        positionEmbedding = Embedding(count: a.maxLength, dimension: a.width, generator: &generator)
        positionEmbedding.weight = Tensor.randomNormal([a.maxLength, a.width], standardDeviation: 0.02,
                                                       using: &generator)
        layers = (0..<a.depth).map { _ in
            TextTransformerLayer(width: a.width, heads: a.heads, headChannels: a.headChannels, generator: &generator)
        }
        finalNorm = LayerNorm(features: a.width)
        super.init()
    }

    /// Token vectors [B, L, width] of `ids`, B rows of the same length L ≤ maxLength.
    public func callAsFunction(_ ids: [[Int]]) -> Tensor {
        let length = ids.first?.count ?? 0
        precondition(!ids.isEmpty && ids.allSatisfy { $0.count == length } && (1...architecture.maxLength).contains(length),
                     "TextTransformer: needs rows of one length in 1...\(architecture.maxLength), got lengths \(ids.map(\.count))")
        let flat = ids.flatMap { $0 }
        precondition(flat.allSatisfy { (0..<architecture.vocabularySize).contains($0) },
                     "TextTransformer: token ids must be in 0..<\(architecture.vocabularySize)")
        let tokens = tokenEmbedding(flat, shape: [ids.count, length])
        let positions = positionEmbedding(Array(0..<length), shape: [1, length])
        return finalNorm(layers.reduce(tokens + positions) { x, layer in layer(x) })
    }
}

/// One pre-norm encoder layer: x + attention(norm(x)), then x + feedForward(norm(x)), where the
/// feed-forward is Linear(width, 4·width), GELU (exact), Linear(4·width, width).
final class TextTransformerLayer: Module {
    let attentionNorm: LayerNorm
    let attention: CrossAttention
    let feedForwardNorm: LayerNorm
    let feedForwardIn: Linear
    let feedForwardOut: Linear

    init(width: Int, heads: Int, headChannels: Int, generator: inout SeededGenerator) {
        attentionNorm = LayerNorm(features: width)
        attention = CrossAttention(queryDimension: width, heads: heads, headChannels: headChannels, generator: &generator)
        feedForwardNorm = LayerNorm(features: width)
        feedForwardIn = Linear(inFeatures: width, outFeatures: 4 * width, generator: &generator)
        feedForwardOut = Linear(inFeatures: 4 * width, outFeatures: width, generator: &generator)
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let attended = x + attention(attentionNorm(x))
        return attended + feedForwardOut(feedForwardIn(feedForwardNorm(attended)).gelu())
    }
}
