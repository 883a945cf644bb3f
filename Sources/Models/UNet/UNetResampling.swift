import NN
import TensorCore

/// Halves H and W with a 3×3 stride-2 convolution padded by 1 on every side (unlike the
/// autoencoder's asymmetric padding). [B, C, H, W] → [B, C, ⌈H/2⌉, ⌈W/2⌉].
/// CompVis openaimodel.py `Downsample(use_conv=True)`.
public final class UNetDownsample: Module, UNetLayer {
    let op: Conv2d

    public init(channels: Int, generator: inout SeededGenerator) {
        op = Conv2d(inChannels: channels, outChannels: channels, kernelSize: 3, stride: 2, padding: 1, generator: &generator)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { op(x) }

    func callAsFunction(_ x: Tensor, _ conditioning: inout UNetConditioning) -> Tensor { op(x) }
}

/// Doubles H and W: nearest-neighbour upsampling, then a 3×3 convolution.
/// [B, C, H, W] → [B, C, 2H, 2W]. CompVis openaimodel.py `Upsample(use_conv=True)`.
public final class UNetUpsample: Module, UNetLayer {
    let conv: Conv2d

    public init(channels: Int, generator: inout SeededGenerator) {
        conv = Conv2d(inChannels: channels, outChannels: channels, kernelSize: 3, padding: 1, generator: &generator)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { conv(x.upsampledNearest(factor: 2)) }

    func callAsFunction(_ x: Tensor, _ conditioning: inout UNetConditioning) -> Tensor { self(x) }
}
