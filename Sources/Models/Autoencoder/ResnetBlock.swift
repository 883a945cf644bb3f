import NN
import TensorCore

/// The autoencoder's residual block: GroupNorm(32, eps 1e-6) → SiLU → 3×3 conv, twice, plus the
/// input (through a 1×1 `ninShortcut` conv when the channel count changes).
///
/// [N, Cin, H, W] → [N, Cout, H, W]. CompVis ldm/modules/diffusionmodules/model.py `ResnetBlock`
/// with `temb_channels = 0` and dropout 0 (the autoencoder uses neither).
public final class ResnetBlock: Module {
    let norm1: GroupNorm
    let conv1: Conv2d
    let norm2: GroupNorm
    let conv2: Conv2d
    let ninShortcut: Conv2d?

    public init(inChannels: Int, outChannels: Int, generator: inout SeededGenerator) {
        norm1 = autoencoderNorm(inChannels)
        conv1 = Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 3, padding: 1, generator: &generator)
        norm2 = autoencoderNorm(outChannels)
        conv2 = Conv2d(inChannels: outChannels, outChannels: outChannels, kernelSize: 3, padding: 1, generator: &generator)
        ninShortcut = inChannels == outChannels ? nil
            : Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 1, generator: &generator)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = conv2(conv1(x, afterGroupNormSiLU: norm1), afterGroupNormSiLU: norm2)
        return (ninShortcut?(x) ?? x) + h
    }
}

/// GroupNorm with 32 groups and eps 1e-6, the autoencoder's `Normalize`.
func autoencoderNorm(_ channels: Int) -> GroupNorm {
    GroupNorm(groups: 32, channels: channels, epsilon: 1e-6)
}
