import CConvolution

/// Whether convolutions run on swift-ldm's own implicit-GEMM kernel (CConvolution) instead of im2col
/// and BLAS.
///
/// The kernel packs each panel of output columns straight from the images, so the column matrix
/// (kh·kw times the input) is never written and BLAS never packs it again: in a 3×3 convolution that
/// copying cost as much as a third of the GEMM (docs/performance.md). It needs AVX-512; other CPUs keep
/// im2col and BLAS.
public enum ImplicitGEMM {
    /// Whether this CPU can run the kernel.
    public static let isAvailable: Bool = ldm_convolution_kernels_available()

    /// Use the kernel where it applies (the default where available); false forces im2col and BLAS,
    /// for comparing the two (`ldm-bench --im2col`) and for what only that route has (kept columns).
    public nonisolated(unsafe) static var isEnabled = isAvailable
}

/// A convolution the implicit-GEMM kernel computes: one group, any stride and padding, kernels up to
/// 16×16.
struct ImplicitGEMMConvolution {
    let geometry: ConvGeometry

    init?(_ g: ConvGeometry) {
        let largestKernel = Int(LDM_CONVOLUTION_MAX_KERNEL)
        guard ImplicitGEMM.isEnabled, g.groups == 1, g.kernelHeight <= largestKernel, g.kernelWidth <= largestKernel
        else { return nil }
        geometry = g
    }

    /// Output panels per parallel chunk, at least: enough work to outweigh a chunk's set-up (its
    /// scratch buffers).
    private static let panelsPerChunk = 8
    private static let panelColumns = Int(LDM_CONVOLUTION_PANEL_COLUMNS)

    private var shape: ldm_convolution_shape {
        let g = geometry
        return ldm_convolution_shape(
            batch: g.batch, in_channels: g.inChannels, height: g.height, width: g.width,
            out_channels: g.outChannels, kernel_height: g.kernelHeight, kernel_width: g.kernelWidth,
            stride: g.stride, pad_top: g.padding.top, pad_left: g.padding.left, out_height: g.outHeight, out_width: g.outWidth)
    }

    /// y [N, Cout, Ho, Wo] = conv(x, weight) + bias; by Winograd where it applies.
    func forward(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        if let winograd = WinogradConvolution(shape) { return winograd.forward(x, weight: weight, bias: bias) }
        return run(x, packedWeight: packed(weight, turned: false), bias: bias)
    }

    /// conv(x, W') where W' is `weight` [Cin, Cout, kh, kw] turned by 180° with its channel axes
    /// swapped (the input gradient of a stride-1 convolution with that weight, `TransposedConvolution`),
    /// packed without building W'; by Winograd where it applies.
    func forward(_ x: Tensor, turnedWeight weight: Tensor) -> Tensor {
        if let winograd = WinogradConvolution(shape) { return winograd.forward(x, turnedWeight: weight) }
        return run(x, packedWeight: packed(weight, turned: true), bias: nil)
    }

    /// dW [Cout, Cin, kh, kw] = Σ over the output columns of dY times each column's receptive field in
    /// x, the columns cut into fixed ranges (one partial sum each, added in order, so the result does
    /// not depend on the thread count); by Winograd where it applies.
    func weightGradient(_ dy: Tensor, input x: Tensor) -> Tensor {
        if let winograd = WinogradConvolution(shape), winograd.computesWeightGradient {
            return winograd.weightGradient(dy, input: x)
        }
        let shape = shape, g = geometry
        let parts = PanelParts(items: g.batch * g.outSpatial, panelSize: Self.panelColumns,
                               panelsPerPart: Self.panelsPerWeightGradientPart, maxParts: maxWeightGradientParts)
        return summedWeightGradient(dy, input: x, shape: [g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth],
                                    parts: parts, scratchCount: Int(ldm_convolution_weight_gradient_scratch_count(shape))) {
            x, dy, range, sum, scratch in
            ldm_convolution_weight_gradient(shape, x, dy, sum, range.lowerBound, range.upperBound, scratch)
        }
    }

    /// Partial weight gradients cover at least this many panels of columns each.
    private static let panelsPerWeightGradientPart = 16

    /// The weight in the kernel's layout, from the cache while the weight is unchanged.
    private func packed(_ weight: Tensor, turned: Bool) -> TensorStorage {
        let shape = shape
        return PackedWeightCache.shared.packed(
            weight, layout: turned ? .turned : .direct, rows: geometry.outChannels, depth: geometry.patchSize,
            count: Int(ldm_convolution_packed_weight_count(shape))
        ) { packed, _ in
            weight.withUnsafeScalars { w in
                if turned {
                    ldm_convolution_pack_turned_weight(shape, w.baseAddress!, packed)
                } else {
                    ldm_convolution_pack_weight(shape, w.baseAddress!, packed)
                }
            }
        }
    }

    /// The output columns (images × positions) in chunks spread over the threads; each value is
    /// computed the same way in any chunk.
    private func run(_ x: Tensor, packedWeight: TensorStorage, bias: Tensor?) -> Tensor {
        let shape = shape
        let biasValues = bias?.scalars
        let chunks = PanelParts(items: geometry.batch * geometry.outSpatial, panelSize: Self.panelColumns,
                                panelsPerPart: Self.panelsPerChunk)
        return Tensor(shape: geometry.outputShape) { out in
            withExtendedLifetime(packedWeight) {
                x.withUnsafeScalars { xs in
                    parallelFor(chunks.count) { chunk in
                        let range = chunks.range(chunk)
                        ldm_convolution_forward(shape, xs.baseAddress!, packedWeight.pointer, biasValues,
                                                out.baseAddress!, range.lowerBound, range.upperBound)
                    }
                }
            }
        }
    }
}
