import NN
import TensorCore

/// A learned class-conditioning context for cross-attention: each class has its own sequence of
/// `tokens` vectors of size `dimension`, looked up in one embedding table.
///
/// labels [B] → [B, tokens, dimension]. As ../shared/bench/torch_ref.py `ClassContext`; the simplest
/// of CompVis's conditioning encoders (cf. ldm/modules/encoders/modules.py `ClassEmbedder`, which
/// gives one token).
public final class ClassContext: Module {
    public let tokens: Int
    public let dimension: Int
    let embedding: Embedding

    public init(classes: Int, tokens: Int, dimension: Int, generator: inout SeededGenerator) {
        precondition(classes > 0 && tokens > 0 && dimension > 0,
                     "ClassContext: classes \(classes), tokens \(tokens) and dimension \(dimension) must be positive")
        self.tokens = tokens
        self.dimension = dimension
        embedding = Embedding(count: classes, dimension: tokens * dimension, generator: &generator)
        super.init()
    }

    /// The number of classes.
    public var classes: Int { embedding.weight.shape[0] }

    public func callAsFunction(_ labels: [Int]) -> Tensor {
        precondition(labels.allSatisfy { (0..<classes).contains($0) },
                     "ClassContext: labels \(labels) are not all in 0..<\(classes)")
        return embedding(labels).reshaped(to: [labels.count, tokens, dimension])
    }
}
