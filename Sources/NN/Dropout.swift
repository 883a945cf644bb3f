import TensorCore

/// Inverted dropout with probability `probability` in training mode, the identity in evaluation
/// mode, as PyTorch's `nn.Dropout`. The mask comes from the generator passed at each call (the
/// trainer's dropout stream), so runs are reproducible.
public final class Dropout: Module {
    public let probability: Float

    public init(probability: Float = 0.5) {
        precondition(probability >= 0 && probability <= 1, "Dropout: probability \(probability) is not in [0, 1]")
        self.probability = probability
        super.init()
    }

    /// Whether the layer changes its input: in training, with a probability above 0.
    public var isActive: Bool { isTraining && probability > 0 }

    public func callAsFunction(_ x: Tensor, using generator: inout SeededGenerator) -> Tensor {
        isTraining ? x.dropout(probability: probability, using: &generator) : x
    }
}
