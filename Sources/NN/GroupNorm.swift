import TensorCore

/// Group normalisation of [N, C, …] inputs, as PyTorch's `nn.GroupNorm`: parameters "weight" (ones)
/// and "bias" (zeros) of shape [C] when `affine`, none otherwise.
public final class GroupNorm: Module {
    public let groups: Int
    public let epsilon: Float
    /// The per-channel scale and shift; nil when the layer is not affine (then PyTorch saves no keys).
    public let weight: Parameter?
    public let bias: Parameter?

    public init(groups: Int, channels: Int, epsilon: Float = 1e-5, affine: Bool = true) {
        precondition(groups > 0 && channels % groups == 0,
                     "GroupNorm: \(channels) channels do not split into \(groups) groups")
        self.groups = groups
        self.epsilon = epsilon
        weight = affine ? Parameter(wrappedValue: Tensor.ones([channels])) : nil
        bias = affine ? Parameter(wrappedValue: Tensor.zeros([channels])) : nil
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        groupNorm(x, groups: groups, weight: weight?.wrappedValue, bias: bias?.wrappedValue, epsilon: epsilon)
    }

    /// `self(x).silu()` in one fused primitive (`groupNormSiLU`): faster, and it keeps one activation
    /// for the backward pass instead of three.
    public func thenSiLU(_ x: Tensor) -> Tensor {
        groupNormSiLU(x, groups: groups, weight: weight?.wrappedValue, bias: bias?.wrappedValue, epsilon: epsilon)
    }
}
