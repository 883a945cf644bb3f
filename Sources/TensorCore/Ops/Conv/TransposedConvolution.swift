/// The input gradient of a stride-1 convolution computed as another convolution.
///
/// With stride 1, dx[c, y, x] = Σ dY[o, y + top − i, x + left − j] · W[o, c, i, j]: the cotangent
/// correlated with the weight turned by 180° and its input and output channels swapped, padded by
/// kh − 1 − top above (and likewise on the other sides). Its GEMM multiplies [Cin, Cout·kh·kw] by the
/// cotangent's columns, so the inner dimension is Cout·kh·kw, the forward pass's efficient shape, where
/// the direct route Wᵀ·dY has inner dimension Cout and then scatters with col2im. Used when every
/// padding is at most kernel − 1 (otherwise the transposed padding would be negative) and the kernel
/// is not 1×1 (whose direct route is already a single GEMM).
struct TransposedConvolution {
    let geometry: ConvGeometry
    let padding: Padding2D

    init?(_ g: ConvGeometry) {
        let (kh, kw, p) = (g.kernelHeight, g.kernelWidth, g.padding)
        guard g.stride == 1, kh * kw > 1, max(p.top, p.bottom) < kh, max(p.left, p.right) < kw else { return nil }
        geometry = g
        padding = Padding2D(top: kh - 1 - p.top, bottom: kh - 1 - p.bottom, left: kw - 1 - p.left,
                            right: kw - 1 - p.right)
    }

    /// dx [N, Cin, H, W] from dY [N, Cout, Ho, Wo]. The implicit-GEMM kernel packs the turned weight
    /// straight from the weight.
    func inputGradient(_ dy: Tensor, weight: Tensor) -> Tensor {
        let g = geometry
        let turned = ConvGeometry(input: dy.shape, weight: [g.inChannels, g.outChannelsPerGroup, g.kernelHeight, g.kernelWidth],
                                  bias: nil, stride: 1, padding: padding, groups: g.groups)
        if let implicit = ImplicitGEMMConvolution(turned) { return implicit.forward(dy, turnedWeight: weight) }
        return withoutGradients {
            conv2d(dy, weight: turnedWeight(weight), padding: padding, groups: geometry.groups)
        }
    }

    /// W' [Cin, Cout/groups, kh, kw] with W'[g·cinG + c, o, i, j] = W[g·coutG + o, c, kh−1−i, kw−1−j].
    /// Written in order (the reads jump between output channels instead): strided stores cost more
    /// than strided loads.
    private func turnedWeight(_ weight: Tensor) -> Tensor {
        let g = geometry
        let taps = g.kernelHeight * g.kernelWidth
        let (inPerGroup, outPerGroup) = (g.inChannelsPerGroup, g.outChannelsPerGroup)
        return Tensor(shape: [g.inChannels, outPerGroup, g.kernelHeight, g.kernelWidth]) { turned in
            weight.withUnsafeScalars { w in
                var target = turned.baseAddress!
                for group in 0..<g.groups {
                    for c in 0..<inPerGroup {
                        var source = w.baseAddress! + (group * outPerGroup * inPerGroup + c) * taps + taps - 1
                        for _ in 0..<outPerGroup {
                            for k in 0..<taps { target[k] = source[-k] }
                            target += taps
                            source += inPerGroup * taps
                        }
                    }
                }
            }
        }
    }
}
