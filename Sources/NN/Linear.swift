import TensorCore

/// A fully connected layer, y = x·Wᵀ + b, over the last axis: […, inFeatures] → […, outFeatures].
///
/// The weight is [outFeatures, inFeatures] as in PyTorch's `nn.Linear`, so state dicts load as
/// they are; the product (`linear`) uses gemm's transpose flag instead of a transposed copy, all
/// leading axes together form the rows of a single gemm, and the bias is the gemm's starting value.
public final class Linear: Module {
    public let inFeatures: Int
    public let outFeatures: Int
    /// [outFeatures, inFeatures].
    @Parameter public var weight: Tensor
    /// [outFeatures], or nil for a layer without bias.
    public let bias: Parameter?

    /// A layer with PyTorch's default initialisation: weight and bias uniform in
    /// (−1/√inFeatures, 1/√inFeatures) (`kaiming_uniform_` with a = √5 gives that bound for the weight).
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, generator: inout SeededGenerator) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear: features must be positive, got \(inFeatures) → \(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = Tensor.randomUniform([outFeatures, inFeatures], low: -bound, high: bound, using: &generator)
        self.bias = bias ? Parameter(wrappedValue: Tensor.randomUniform([outFeatures], low: -bound, high: bound,
                                                                        using: &generator)) : nil
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 1 && x.shape.last == inFeatures,
                     "Linear(\(inFeatures) → \(outFeatures)): input of shape \(x.shape) does not end in \(inFeatures)")
        return TensorCore.linear(x, weight: weight, bias: bias?.wrappedValue)
    }
}
