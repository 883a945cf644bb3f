import TensorCore

/// Batch normalisation of [N, C, H, W] inputs, as PyTorch's `nn.BatchNorm2d`.
///
/// Parameters "weight" (ones) and "bias" (zeros), buffers "running_mean" (zeros) and "running_var"
/// (ones), all [C]. The buffers are named in PyTorch's snake case on purpose: module keys are
/// property names, so weight files map one to one without a renaming table. PyTorch's
/// "num_batches_tracked" is not kept: it only matters for its cumulative-average mode (momentum
/// None), which this layer does not offer, and PyTorch loads state dicts that lack it.
///
/// In training mode (`isTraining`) the layer normalises with batch statistics and updates the
/// running ones; in evaluation mode it normalises with the running statistics.
public final class BatchNorm2d: Module {
    public let momentum: Float
    public let epsilon: Float
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor
    @Buffer public var running_mean: Tensor
    @Buffer public var running_var: Tensor

    public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        self.momentum = momentum
        self.epsilon = epsilon
        weight = Tensor.ones([channels])
        bias = Tensor.zeros([channels])
        running_mean = Tensor.zeros([channels])
        running_var = Tensor.ones([channels])
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4, "BatchNorm2d: input of shape \(x.shape) is not [N, C, H, W]")
        let result = batchNorm(x, weight: weight, bias: bias, runningMean: running_mean,
                               runningVariance: running_var, training: isTraining,
                               momentum: momentum, epsilon: epsilon)
        if isTraining {
            running_mean = result.runningMean
            running_var = result.runningVariance
        }
        return result.output
    }
}
