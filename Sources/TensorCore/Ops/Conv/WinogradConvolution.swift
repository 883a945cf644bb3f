import CConvolution

/// Whether 3×3, stride-1 convolutions that keep the image size run by Winograd's minimal filtering
/// (CConvolution/winograd_convolution.c: F(4×4, 3×3) on maps of at least 8×8, F(2×2, 3×3) on smaller
/// ones) instead of the direct implicit-GEMM kernel.
///
/// Per channel pair, the transforms turn the direct kernel's 144 multiply-adds of a 4×4 block of
/// outputs into 36 (F(2×2): 36 of a 2×2 block into 16). With its transforms, the forward convolution
/// runs 2.0–2.8× faster than the direct kernel from 8×8 to 64×64 maps and 1.7–2.1× on 4×4 maps
/// (Scripts/winograd-vs-direct.sh, docs/performance.md). F(4×4)'s values carry about five times the
/// rounding error of the direct sum (1e−4 of the output's scale at 128 input channels).
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

    private static let panelTiles = Int(LDM_WINOGRAD_PANEL_TILES)

    /// The fewest whole panels of tiles of side `side` that cover `outputs` outputs.
    private static func panels(covering outputs: Int, side: Int32) -> Int {
        let panelOutputs = panelTiles * Int(side * side)
        return max(1, (outputs + panelOutputs - 1) / panelOutputs)
    }

    /// y = conv(x, weight) + bias, as `ImplicitGEMMConvolution.forward(_:weight:bias:)`.
    func forward(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        run(x, transformedWeight: transformed(weight, turned: false), bias: bias)
    }

    /// conv(x, W') with W' the turned weight, as `ImplicitGEMMConvolution.forward(_:turnedWeight:)`.
    func forward(_ x: Tensor, turnedWeight weight: Tensor) -> Tensor {
        run(x, transformedWeight: transformed(weight, turned: true), bias: nil)
    }

    /// Whether the weight gradient runs by Winograd too (with enough tiles; below, its fixed costs
    /// outweigh the products saved).
    var computesWeightGradient: Bool { ldm_winograd_computes_weight_gradient(shape) }

    /// dW [Cout, Cin, 3, 3], as `ImplicitGEMMConvolution.weightGradient`, over fixed ranges of tiles.
    func weightGradient(_ dy: Tensor, input x: Tensor) -> Tensor {
        let shape = shape
        // Parts of at least 768 outputs each, the direct kernel's 16 panels of 48 columns.
        let side = ldm_winograd_weight_gradient_tile_side(shape)
        let parts = PanelParts(items: ldm_winograd_tile_count(shape, side), panelSize: Self.panelTiles,
                               panelsPerPart: Self.panels(covering: 768, side: side), maxParts: maxWeightGradientParts)
        return summedWeightGradient(dy, input: x, shape: [shape.out_channels, shape.in_channels, 3, 3], parts: parts,
                                    scratchCount: Int(ldm_winograd_weight_gradient_scratch_count(shape))) {
            x, dy, range, sum, scratch in
            ldm_winograd_weight_gradient(shape, x, dy, sum, range.lowerBound, range.upperBound, scratch)
        }
    }

    /// The transformed weight (of the turned weight for the input gradient) for the forward pass's tile
    /// side, from the cache while the weight is unchanged.
    private func transformed(_ weight: Tensor, turned: Bool) -> TensorStorage {
        let shape = shape
        let side = ldm_winograd_forward_tile_side(shape)
        return PackedWeightCache.shared.packed(
            weight, layout: turned ? .turnedWinograd(tileSide: side) : .winograd(tileSide: side),
            rows: shape.out_channels, depth: shape.in_channels, count: Int(ldm_winograd_transformed_weight_count(shape)),
            parts: ldm_winograd_weight_row_blocks(shape)
        ) { transformed, block in
            weight.withUnsafeScalars { w in
                if turned {
                    ldm_winograd_transform_turned_weight(shape, w.baseAddress!, transformed, block, block + 1)
                } else {
                    ldm_winograd_transform_weight(shape, w.baseAddress!, transformed, block, block + 1)
                }
            }
        }
    }

    /// The tiles in chunks spread over the threads; each output is computed the same way in any chunk.
    /// From eight panels of tiles on, chunks are whole panels covering at least 384 outputs (one panel of
    /// 4×4 tiles, two of 2×2); with fewer, chunks of 32 tiles (two vectors of 16) keep the threads evenly
    /// loaded: 64 tiles in panels would be 48 against 16.
    private func run(_ x: Tensor, transformedWeight: TensorStorage, bias: Tensor?) -> Tensor {
        let shape = shape
        let biasValues = bias?.scalars
        let side = ldm_winograd_forward_tile_side(shape)
        let tiles = ldm_winograd_tile_count(shape, side)
        let chunks = tiles >= 8 * Self.panelTiles
            ? PanelParts(items: tiles, panelSize: Self.panelTiles, panelsPerPart: Self.panels(covering: 384, side: side))
            : PanelParts(items: tiles, panelSize: 32, panelsPerPart: 1)
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
