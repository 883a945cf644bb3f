import NN
import TensorCore

/// A bias-free 2-D convolution with TensorFlow's "same" padding: the output is ⌈H/stride⌉ × ⌈W/stride⌉
/// and the padding, computed from each input's size, puts its odd pixel at the bottom and right.
///
/// x [N, inChannels, H, W] → [N, outChannels, ⌈H/s⌉, ⌈W/s⌉]; weight [outChannels, inChannels/groups, k, k]
/// (key "weight"), initialised as `Conv2d`'s. EfficientNet was trained in TensorFlow with this padding;
/// PyTorch's symmetric padding would shift every stride-2 layer by a pixel. Reference: PyPI
/// efficientnet-lite-pytorch 0.1.0 `Conv2dDynamicSamePadding` (utils.py).
public final class SamePaddedConv2d: Module {
    @Parameter public var weight: Tensor
    public let stride: Int
    public let groups: Int

    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, groups: Int = 1,
                generator: inout SeededGenerator) {
        precondition(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                     "SamePaddedConv2d: groups \(groups) must divide inChannels \(inChannels) and outChannels \(outChannels)")
        let bound = 1 / Float(inChannels / groups * kernelSize * kernelSize).squareRoot()
        weight = Tensor.randomUniform([outChannels, inChannels / groups, kernelSize, kernelSize],
                                      low: -bound, high: bound, using: &generator)
        self.stride = stride
        self.groups = groups
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4, "SamePaddedConv2d: input of shape \(x.shape) is not [N, C, H, W]")
        let kernel = weight.shape[2]
        let (top, bottom) = Self.samePadding(size: x.shape[2], kernel: kernel, stride: stride)
        let (left, right) = Self.samePadding(size: x.shape[3], kernel: kernel, stride: stride)
        return conv2d(x, weight: weight, stride: stride,
                      padding: Padding2D(top: top, bottom: bottom, left: left, right: right), groups: groups)
    }

    /// The padding before and after an axis of `size`: the total max((⌈size/stride⌉ − 1)·stride + kernel − size, 0),
    /// its smaller half first.
    public static func samePadding(size: Int, kernel: Int, stride: Int) -> (before: Int, after: Int) {
        let output = (size + stride - 1) / stride
        let total = max((output - 1) * stride + kernel - size, 0)
        return (total / 2, total - total / 2)
    }
}
