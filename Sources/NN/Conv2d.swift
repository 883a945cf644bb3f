import TensorCore

/// A 2-D convolution layer over NCHW images, as PyTorch's `nn.Conv2d`.
///
/// weight [outChannels, inChannels/groups, kernelSize, kernelSize] and bias [outChannels] (keys
/// "weight" and "bias"), both initialised U(−1/√fanIn, 1/√fanIn) with fanIn = inChannels/groups ·
/// kernelSize², which is what PyTorch's default `kaiming_uniform_(a: √5)` amounts to.
public final class Conv2d: Module {
    @Parameter public var weight: Tensor
    /// Nil for a convolution without bias.
    public let bias: Parameter?
    public let stride: Int
    public let padding: Padding2D
    public let groups: Int

    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Padding2D = .zero,
                groups: Int = 1, bias: Bool = true, generator: inout SeededGenerator) {
        precondition(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d: groups \(groups) must divide inChannels \(inChannels) and outChannels \(outChannels)")
        let fanIn = inChannels / groups * kernelSize * kernelSize
        let bound = 1 / Float(fanIn).squareRoot()
        weight = Tensor.randomUniform([outChannels, inChannels / groups, kernelSize, kernelSize],
                                      low: -bound, high: bound, using: &generator)
        self.bias = bias ? Parameter(wrappedValue: Tensor.randomUniform([outChannels], low: -bound, high: bound,
                                                                        using: &generator)) : nil
        self.stride = stride
        self.padding = padding
        self.groups = groups
        super.init()
    }

    /// The same layer with `padding` on all four sides.
    public convenience init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int,
                            groups: Int = 1, bias: Bool = true, generator: inout SeededGenerator) {
        self.init(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
                  padding: .uniform(padding), groups: groups, bias: bias, generator: &generator)
    }

    /// x [N, inChannels, H, W] → [N, outChannels, Ho, Wo].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias?.wrappedValue, stride: stride, padding: padding, groups: groups)
    }

    /// `self(norm.thenSiLU(x))` as one primitive (`groupNormSiLUConv2d`), which keeps no normalised
    /// activation for the backward pass but recomputes it from x. A convolution of one group.
    public func callAsFunction(_ x: Tensor, afterGroupNormSiLU norm: GroupNorm) -> Tensor {
        precondition(groups == 1, "Conv2d: a normalised input needs a convolution of one group, not \(groups)")
        return groupNormSiLUConv2d(x, groups: norm.groups, normWeight: norm.weight?.wrappedValue,
                                   normBias: norm.bias?.wrappedValue, epsilon: norm.epsilon, weight: weight,
                                   bias: bias?.wrappedValue, stride: stride, padding: padding)
    }
}
