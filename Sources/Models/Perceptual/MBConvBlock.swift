import NN
import TensorCore

/// EfficientNet-Lite's mobile inverted bottleneck block (MBConv, Sandler et al. 2018, without
/// squeeze-and-excitation): 1×1 expansion conv → batch norm → ReLU6, depthwise k×k conv (stride 1 or 2,
/// "same" padding) → batch norm → ReLU6, 1×1 projection conv → batch norm, plus the input when the
/// stride is 1 and the channel count is kept.
///
/// [N, inChannels, H, W] → [N, outChannels, ⌈H/stride⌉, ⌈W/stride⌉]; the hidden width is
/// inChannels·expansion, and with expansion 1 there is no expansion conv. The projection is linear
/// (no activation), so the block's output is the residual stream. All convs are bias-free. Reference:
/// PyPI efficientnet-lite-pytorch 0.1.0 `MBConvBlock` (model.py); drop-connect, a training-time
/// regulariser, is left out: this network is only evaluated.
public final class MBConvBlock: Module {
    let expand: Conv2d?
    let expandNorm: BatchNorm2d?
    let depthwise: SamePaddedConv2d
    let depthwiseNorm: BatchNorm2d
    let project: Conv2d
    let projectNorm: BatchNorm2d
    public let hasResidual: Bool

    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, expansion: Int,
                generator: inout SeededGenerator) {
        let hidden = inChannels * expansion
        if expansion == 1 {
            (expand, expandNorm) = (nil, nil)
        } else {
            expand = Conv2d(inChannels: inChannels, outChannels: hidden, kernelSize: 1, bias: false, generator: &generator)
            expandNorm = efficientNetNorm(hidden)
        }
        depthwise = SamePaddedConv2d(inChannels: hidden, outChannels: hidden, kernelSize: kernelSize, stride: stride,
                                     groups: hidden, generator: &generator)
        depthwiseNorm = efficientNetNorm(hidden)
        project = Conv2d(inChannels: hidden, outChannels: outChannels, kernelSize: 1, bias: false, generator: &generator)
        projectNorm = efficientNetNorm(outChannels)
        hasResidual = stride == 1 && inChannels == outChannels
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        if let expand, let expandNorm { h = expandNorm(expand(h)).relu6() }
        h = depthwiseNorm(depthwise(h)).relu6()
        h = projectNorm(project(h))
        return hasResidual ? h + x : h
    }
}

/// A batch norm with EfficientNet's ε and momentum.
func efficientNetNorm(_ channels: Int) -> BatchNorm2d {
    BatchNorm2d(channels: channels, momentum: EfficientNetLite0.batchNormMomentum,
                epsilon: EfficientNetLite0.batchNormEpsilon)
}
