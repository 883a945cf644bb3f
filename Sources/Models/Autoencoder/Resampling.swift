import NN
import TensorCore

/// Halves H and W: pad (left 0, right 1, top 0, bottom 1), then a 3×3 stride-2 conv.
/// [N, C, H, W] → [N, C, H/2, W/2]. CompVis model.py `Downsample(with_conv=True)`.
public final class Downsample: Module {
    let conv: Conv2d

    public init(channels: Int, generator: inout SeededGenerator) {
        conv = Conv2d(inChannels: channels, outChannels: channels, kernelSize: 3, stride: 2, generator: &generator)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv(x.padded(Padding2D(top: 0, bottom: 1, left: 0, right: 1)))
    }
}

/// Doubles H and W: nearest-neighbour upsampling, then a 3×3 conv.
/// [N, C, H, W] → [N, C, 2H, 2W]. CompVis model.py `Upsample(with_conv=True)`.
public final class Upsample: Module {
    let conv: Conv2d

    public init(channels: Int, generator: inout SeededGenerator) {
        conv = Conv2d(inChannels: channels, outChannels: channels, kernelSize: 3, padding: 1, generator: &generator)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { conv(x.upsampledNearest(factor: 2)) }
}
