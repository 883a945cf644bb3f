import TensorCore

/// A table of `count` learned vectors of size `dimension`, looked up by index, as PyTorch's
/// `nn.Embedding`: parameter "weight" [count, dimension] initialised from N(0, 1).
public final class Embedding: Module {
    @Parameter public var weight: Tensor

    public init(count: Int, dimension: Int, generator: inout SeededGenerator) {
        weight = Tensor.randomNormal([count, dimension], using: &generator)
        super.init()
    }

    /// The rows for `indices`: [indices.count, dimension].
    public func callAsFunction(_ indices: [Int]) -> Tensor {
        embedding(weight, indices: indices)
    }

    /// The rows for `indices` laid out as `shape`: shape + [dimension].
    public func callAsFunction(_ indices: [Int], shape: [Int]) -> Tensor {
        embedding(weight, indices: indices, shape: shape)
    }
}
