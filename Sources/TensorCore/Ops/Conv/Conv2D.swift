/// 2-D cross-correlation of NCHW images with PyTorch's `torch.nn.functional.conv2d` semantics.
///
/// x [N, Cin, H, W], weight [Cout, Cin/groups, kh, kw], bias [Cout] → [N, Cout, Ho, Wo] with
/// Ho = (H + top + bottom − kh) / stride + 1 (likewise Wo). Padding may be asymmetric (the
/// autoencoder's Downsample pads (0, 1, 0, 1)); groups == Cin is a depthwise convolution.
///
/// Each image is im2col + one GEMM per group (a 1×1, stride-1, unpadded kernel is a GEMM on the image
/// itself), with images spread over threads. The pullback computes dx = col2im(Wᵀ·dY),
/// dW = Σₙ dYₙ·colsₙᵀ and db = Σ dY, each only when wanted. The weight gradient recomputes the
/// columns rather than keeping them from the forward pass: they are kh·kw times the size of x, and
/// im2col costs about 4 % of the GEMMs of a 3×3 conv.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1,
                   padding: Padding2D = .zero, groups: Int = 1) -> Tensor {
    let geometry = ConvGeometry(input: x.shape, weight: weight.shape, bias: bias?.shape,
                                stride: stride, padding: padding, groups: groups)
    let y = Tensor(shape: geometry.outputShape) { out in
        conv2dForward(x, weight: weight, bias: bias, into: out.baseAddress!, geometry)
    }
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return y.recorded("conv2d", inputs: inputs) { g, wanted in
        var cotangents = [
            wanted[0] ? conv2dInputGradient(g, weight: weight, geometry) : nil,
            wanted[1] ? conv2dWeightGradient(g, input: x, geometry) : nil,
        ]
        if bias != nil { cotangents.append(wanted[2] ? g.sum(alongAxes: [0, 2, 3]) : nil) }
        return cotangents
    }
}

/// Fills `y` [N, Cout, Ho, Wo]: per image, the bias rows, then += W_g·cols_g for each group g.
private func conv2dForward(_ x: Tensor, weight: Tensor, bias: Tensor?, into y: UnsafeMutablePointer<Float>,
                           _ g: ConvGeometry) {
    let biasValues = bias?.scalars
    x.withUnsafeScalars { xs in
        weight.withUnsafeScalars { ws in
            parallelFor(g.batch) { n in
                let output = y + n * g.outChannels * g.outSpatial
                if let biasValues {
                    for channel in 0..<g.outChannels {
                        (output + channel * g.outSpatial).update(repeating: biasValues[channel], count: g.outSpatial)
                    }
                }
                let beta: Float = biasValues == nil ? 0 : 1
                let image = xs.baseAddress! + n * g.imageCount
                if g.isPointwise {
                    return multiplyWeight(ws.baseAddress!, columns: image, into: output, beta: beta, g)
                }
                let columns = TensorStorage(uninitializedCount: g.columnsCount)
                withExtendedLifetime(columns) {
                    im2col(image, into: columns.pointer, g)
                    multiplyWeight(ws.baseAddress!, columns: columns.pointer, into: output, beta: beta, g)
                }
            }
        }
    }
}

/// y_g = W_g·cols_g + beta·y_g for every group g of one image: W_g [Cout/groups, patchSize],
/// cols_g [patchSize, Ho·Wo], y_g [Cout/groups, Ho·Wo].
private func multiplyWeight(_ w: UnsafePointer<Float>, columns: UnsafePointer<Float>,
                            into y: UnsafeMutablePointer<Float>, beta: Float, _ g: ConvGeometry) {
    for group in 0..<g.groups {
        gemm(w + group * g.outChannelsPerGroup * g.patchSize, columns + group * g.patchSize * g.outSpatial,
             y + group * g.outChannelsPerGroup * g.outSpatial,
             m: g.outChannelsPerGroup, n: g.outSpatial, k: g.patchSize, beta: beta)
    }
}
