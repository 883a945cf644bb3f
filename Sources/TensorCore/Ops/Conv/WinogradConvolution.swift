import CConvolution

/// Whether 3×3, stride-1 convolutions that keep the image size run by Winograd's F(2×2, 3×3)
/// (CConvolution/winograd_convolution.c) instead of the direct implicit-GEMM kernel.
///
/// Winograd's transforms turn the 36 multiply-adds of each 2×2 block of outputs per channel pair into
/// 16; with its transforms the convolution runs about 1.9× faster than the direct kernel from 4×4 to
/// 64×64 maps (docs/performance.md). Both give the same values to within a few ulps.
public enum Winograd {
    /// Use Winograd where it applies (the default); false keeps every convolution on the direct
    /// kernel, for comparing the two (`ldm-bench --no-winograd`, the tests).
    public nonisolated(unsafe) static var isEnabled = true

    /// Convolutions of fewer input channels stay on the direct kernel: its depth is 9 per channel,
    /// Winograd's 1, and at 8 channels the two ran at the same speed (3 channels: 0.66×; 16: 1.4×).
    static let fewestInputChannels = 16
}

/// A convolution the Winograd kernel computes: the implicit-GEMM kernel's (`ImplicitGEMMConvolution`)
/// 3×3, stride-1 convolutions with padding 1 on every side, of at least 16 input channels: forward,
/// input gradient and (with enough tiles) weight gradient.
struct WinogradConvolution {
    let shape: ldm_convolution_shape

    init?(_ shape: ldm_convolution_shape) {
        guard Winograd.isEnabled, ldm_winograd_applies(shape), shape.in_channels >= Winograd.fewestInputChannels
        else { return nil }
        self.shape = shape
    }

    /// Tile panels per parallel chunk, at least (a panel is 48 tiles of 2×2 outputs).
    private static let panelsPerChunk = 2
    private static let panelTiles = Int(LDM_WINOGRAD_PANEL_TILES)

    /// y = conv(x, weight) + bias, as `ImplicitGEMMConvolution.forward(_:weight:bias:)`.
    func forward(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        run(x, transformedWeight: transformed(weight, layout: .winograd), bias: bias)
    }

    /// conv(x, W') with W' the turned weight, as `ImplicitGEMMConvolution.forward(_:turnedWeight:)`.
    func forward(_ x: Tensor, turnedWeight weight: Tensor) -> Tensor {
        run(x, transformedWeight: transformed(weight, layout: .turnedWinograd), bias: nil)
    }

    /// Whether the weight gradient runs by Winograd too: with fewer tiles its fixed costs (the
    /// transform of every kernel's gradient) outweigh the products saved (16 tiles of 4×4 maps: 0.84×
    /// the direct kernel; 64 tiles of 8×8: 1.26×; 512 of 32×32: 1.58×).
    var computesWeightGradient: Bool { ldm_winograd_tile_count(shape) >= Self.fewestGradientTiles }

    private static let fewestGradientTiles = 64
    /// Partial weight gradients cover at least this many panels of tiles each (192 tiles, about the
    /// direct kernel's 16 panels of 48 columns in outputs).
    private static let panelsPerWeightGradientPart = 4

    /// dW [Cout, Cin, 3, 3], as `ImplicitGEMMConvolution.weightGradient`, over fixed ranges of tiles.
    func weightGradient(_ dy: Tensor, input x: Tensor) -> Tensor {
        let shape = shape
        let parts = PanelParts(items: ldm_winograd_tile_count(shape), panelSize: Self.panelTiles,
                               panelsPerPart: Self.panelsPerWeightGradientPart, maxParts: maxWeightGradientParts)
        return summedWeightGradient(dy, input: x, shape: [shape.out_channels, shape.in_channels, 3, 3], parts: parts,
                                    scratchCount: Int(ldm_winograd_weight_gradient_scratch_count(shape))) {
            x, dy, range, sum, scratch in
            ldm_winograd_weight_gradient(shape, x, dy, sum, range.lowerBound, range.upperBound, scratch)
        }
    }

    /// The transformed weight, from the cache while the weight is unchanged.
    private func transformed(_ weight: Tensor, layout: PackedWeightLayout) -> TensorStorage {
        let shape = shape
        return PackedWeightCache.shared.packed(
            weight, layout: layout, rows: shape.out_channels, depth: shape.in_channels,
            count: Int(ldm_winograd_transformed_weight_count(shape))
        ) { transformed in
            weight.withUnsafeScalars { w in
                if layout == .turnedWinograd {
                    ldm_winograd_transform_turned_weight(shape, w.baseAddress!, transformed)
                } else {
                    ldm_winograd_transform_weight(shape, w.baseAddress!, transformed)
                }
            }
        }
    }

    /// The tiles in chunks of whole panels spread over the threads; each output is computed the same
    /// way in any chunk.
    private func run(_ x: Tensor, transformedWeight: TensorStorage, bias: Tensor?) -> Tensor {
        let shape = shape
        let biasValues = bias?.scalars
        let chunks = PanelParts(items: ldm_winograd_tile_count(shape), panelSize: Self.panelTiles,
                                panelsPerPart: Self.panelsPerChunk)
        return Tensor(shape: [shape.batch, shape.out_channels, shape.out_height, shape.out_width]) { out in
            withExtendedLifetime(transformedWeight) {
                x.withUnsafeScalars { xs in
                    parallelFor(chunks.count) { chunk in
                        let range = chunks.range(chunk)
                        let scratch = TensorStorage(uninitializedCount: Int(ldm_winograd_scratch_count(shape)))
                        withExtendedLifetime(scratch) {
                            ldm_winograd_forward(shape, xs.baseAddress!, transformedWeight.pointer, biasValues,
                                                 out.baseAddress!, range.lowerBound, range.upperBound, scratch.pointer)
                        }
                    }
                }
            }
        }
    }
}
