import NN
import TensorCore

/// A BERT encoder without its pooler: embeddings, then `layerCount` post-norm transformer layers,
/// giving one state per token. Used frozen (all-MiniLM-L6-v2's weights: `init(configuration:weightsFile:)`).
///
/// ids [N, L] and mask [N, L] → hidden states [N, L, hiddenSize]. Every position gets a state,
/// padding included (it attends to the real tokens, as in Hugging Face's `BertModel`), so consumers
/// must apply the mask. Devlin et al. 2019; Hugging Face `BertModel.last_hidden_state`.
public final class BertEncoder: Module {
    public let configuration: BertConfiguration
    let embeddings: BertEmbeddings
    let layers: [BertLayer]

    /// A randomly initialised encoder (weights are loaded into it).
    public init(configuration: BertConfiguration, generator: inout SeededGenerator) {
        if let problem = configuration.unsupportedSetting {
            preconditionFailure("BertEncoder: unsupported configuration: \(problem)")
        }
        self.configuration = configuration
        embeddings = BertEmbeddings(configuration, generator: &generator)
        layers = (0..<configuration.layerCount).map { _ in BertLayer(configuration, generator: &generator) }
        super.init()
        eval()
    }

    /// The last layer's state of every token: [N, L, hiddenSize] for `batch.count` rows of `batch.length` tokens.
    public func hiddenStates(_ batch: TokenBatch) -> Tensor {
        hiddenStates(ids: batch.ids, mask: batch.mask)
    }

    /// The last layer's state of every token. ids: N·L token ids, row-major; mask [N, L]: 1 for a real
    /// token, 0 for padding (never a whole row of 0). → [N, L, hiddenSize]. Computes no gradients.
    public func hiddenStates(ids: [Int], mask: Tensor) -> Tensor {
        precondition(mask.rank == 2, "BertEncoder: mask of shape \(mask.shape) is not [N, L]")
        let (count, length) = (mask.shape[0], mask.shape[1])
        return withoutGradients {
            let keyMask = mask.reshaped(to: [count, 1, 1, length])
            return layers.reduce(embeddings(ids, count: count, length: length)) { x, layer in layer(x, mask: keyMask) }
        }
    }

    /// The sentence embedding of sentence-transformers' all-MiniLM-L6-v2: the mean of the token
    /// states over the unmasked tokens, scaled to unit length. → [N, hiddenSize].
    public func sentenceEmbeddings(_ batch: TokenBatch) -> Tensor {
        Self.meanPooledUnitVectors(hiddenStates(batch), mask: batch.mask)
    }

    /// states [N, L, D] and mask [N, L] → Σ_l mask·state / Σ_l mask, divided by its L2 norm: [N, D].
    /// (sentence-transformers `Pooling(mode="mean")` then `Normalize`; their 1e-9 and 1e-12 floors.)
    public static func meanPooledUnitVectors(_ states: Tensor, mask: Tensor) -> Tensor {
        precondition(states.rank == 3 && mask.shape == Array(states.shape.prefix(2)),
                     "BertEncoder.meanPooledUnitVectors: states \(states.shape) and mask \(mask.shape) do not fit")
        let weights = mask.unsqueezed(axis: 2)
        let sums = (states * weights).sum(alongAxes: [1])
        let means = sums / Tensor.maximum(weights.sum(alongAxes: [1]), Tensor(1e-9))
        let norms = (means * means).sum(alongAxes: [1], keepingDims: true).squareRoot()
        return means / Tensor.maximum(norms, Tensor(1e-12))
    }
}
