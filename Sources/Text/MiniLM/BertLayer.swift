import NN
import TensorCore

/// One post-norm transformer layer of BERT: multi-head self-attention over the unmasked tokens, a
/// residual and layer norm, then a GELU feed-forward network, a residual and layer norm.
///
/// x [N, L, H], mask [N, 1, 1, L] (1 = attend, 0 = padding) → [N, L, H]:
///   a = LayerNorm(x + Wₒ·Attention(x)),  y = LayerNorm(a + W₂·GELU(W₁·a)).
/// Vaswani et al. 2017; Devlin et al. 2019; Hugging Face `BertLayer` (`BertSelfAttention`,
/// `BertSelfOutput`, `BertIntermediate`, `BertOutput`; dropout off in inference).
public final class BertLayer: Module {
    let heads: Int
    let query: Linear
    let key: Linear
    let value: Linear
    let attentionOutput: Linear
    let attentionNorm: LayerNorm
    let intermediate: Linear
    let output: Linear
    let outputNorm: LayerNorm

    public init(_ configuration: BertConfiguration, generator: inout SeededGenerator) {
        let width = configuration.hiddenSize, epsilon = configuration.layerNormEpsilon
        heads = configuration.headCount
        query = Linear(inFeatures: width, outFeatures: width, generator: &generator)
        key = Linear(inFeatures: width, outFeatures: width, generator: &generator)
        value = Linear(inFeatures: width, outFeatures: width, generator: &generator)
        attentionOutput = Linear(inFeatures: width, outFeatures: width, generator: &generator)
        attentionNorm = LayerNorm(features: width, epsilon: epsilon)
        intermediate = Linear(inFeatures: width, outFeatures: configuration.intermediateSize, generator: &generator)
        output = Linear(inFeatures: configuration.intermediateSize, outFeatures: width, generator: &generator)
        outputNorm = LayerNorm(features: width, epsilon: epsilon)
        super.init()
    }

    public func callAsFunction(_ x: Tensor, mask: Tensor) -> Tensor {
        let attended = scaledDotProductAttention(query: query(x), key: key(x), value: value(x), heads: heads, mask: mask)
        let a = attentionNorm(x + attentionOutput(attended))
        return outputNorm(a + output(intermediate(a).gelu()))
    }
}
