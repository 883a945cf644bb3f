import TensorCore

/// Layer normalisation over the last axis, as PyTorch's `nn.LayerNorm(features)`: parameters
/// "weight" (ones) and "bias" (zeros) of shape [features].
public final class LayerNorm: Module {
    public let epsilon: Float
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor

    public init(features: Int, epsilon: Float = 1e-5) {
        self.epsilon = epsilon
        weight = Tensor.ones([features])
        bias = Tensor.zeros([features])
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        layerNorm(x, weight: weight, bias: bias, epsilon: epsilon)
    }
}
