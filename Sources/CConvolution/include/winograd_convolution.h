#ifndef LDM_WINOGRAD_CONVOLUTION_H
#define LDM_WINOGRAD_CONVOLUTION_H

#include "implicit_gemm_convolution.h"

/// Output tiles (4×4 or 2×2 blocks of outputs) per panel, the Winograd kernel's unit of work: tile ranges
/// that start at multiples of it split the work without partial panels.
#define LDM_WINOGRAD_PANEL_TILES 48

/// Whether `shape` is a convolution the Winograd kernel computes: 3×3, stride 1, padding 1 on every
/// side (the output the size of the input).
bool ldm_winograd_applies(ldm_convolution_shape shape);

/// The side m of the forward pass's output tiles for `shape`: 4 (F(4×4, 3×3)) on maps of at least
/// 8×8, else 2 (F(2×2, 3×3)); never a function of the batch, so that an image's outputs do not depend
/// on the images beside it. The transformed weight, the scratch and `ldm_winograd_forward` follow it.
int ldm_winograd_forward_tile_side(ldm_convolution_shape shape);

/// The side of the weight gradient's tiles: 4 from 128 tiles of 4×4, else 2. Its scratch and
/// `ldm_winograd_weight_gradient` follow it.
int ldm_winograd_weight_gradient_tile_side(ldm_convolution_shape shape);

/// Whether the weight gradient of `shape` is worth computing by Winograd rather than by the direct
/// kernel: from 64 tiles of 2×2 (or 128 of 4×4).
bool ldm_winograd_computes_weight_gradient(ldm_convolution_shape shape);

/// Output tiles of side `side` in `shape`: batch · ⌈out_height/side⌉ · ⌈out_width/side⌉, counted image by
/// image, row by row.
long ldm_winograd_tile_count(ldm_convolution_shape shape, int side);

/// Floats of the transformed weight of `shape`.
size_t ldm_winograd_transformed_weight_count(ldm_convolution_shape shape);

/// Output channels are transformed in blocks of 8: this many for `shape`, the unit of the transforms'
/// ranges.
long ldm_winograd_weight_row_blocks(ldm_convolution_shape shape);

/// G·g·Gᵀ of the 3×3 kernels g of the weight [out_channels, in_channels, 3, 3] in the output channel
/// blocks `block_begin..<block_end`, in the layout the kernel reads. Callers may transform disjoint
/// block ranges side by side.
void ldm_winograd_transform_weight(ldm_convolution_shape shape, const float *weight, float *transformed,
                                   long block_begin, long block_end);

/// The same for the weight [in_channels, out_channels, 3, 3] of another convolution turned by 180°
/// with its channel axes swapped (as `ldm_convolution_pack_turned_weight`): the input gradient of a
/// stride-1 convolution.
void ldm_winograd_transform_turned_weight(ldm_convolution_shape shape, const float *weight, float *transformed,
                                          long block_begin, long block_end);

/// Floats of the scratch memory `ldm_winograd_forward` needs (64-byte aligned; up to about 2 MB). The
/// caller provides it so that it can reuse it: fresh pages for every call cost as much as a small
/// convolution.
size_t ldm_winograd_scratch_count(ldm_convolution_shape shape);

/// Writes the outputs of tiles `tile_begin..<tile_end` (of the forward pass's side), plus `bias` when not
/// NULL. Single-threaded; callers run disjoint tile ranges side by side, each with its own scratch.
/// Every output value is the same whatever the ranges.
void ldm_winograd_forward(ldm_convolution_shape shape, const float *input, const float *transformed_weight,
                          const float *bias, float *output, long tile_begin, long tile_end, float *scratch);

/// Floats of the scratch memory `ldm_winograd_weight_gradient` needs (64-byte aligned; a few MB for
/// 128 channels in and out).
size_t ldm_winograd_weight_gradient_scratch_count(ldm_convolution_shape shape);

/// Writes the weight gradient [out_channels, in_channels, 3, 3] over tiles `tile_begin..<tile_end` (of
/// the weight gradient's side): the sum over their outputs of the output gradient [batch, out_channels,
/// out_height, out_width] times each output's receptive field in `input`. Single-threaded; callers sum
/// the results of disjoint tile ranges, each with its own scratch. Every value is summed over the tiles
/// in order.
void ldm_winograd_weight_gradient(ldm_convolution_shape shape, const float *input, const float *output_gradient,
                                  float *weight_gradient, long tile_begin, long tile_end, float *scratch);

#endif
