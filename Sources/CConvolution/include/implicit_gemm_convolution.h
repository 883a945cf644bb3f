#ifndef LDM_IMPLICIT_GEMM_CONVOLUTION_H
#define LDM_IMPLICIT_GEMM_CONVOLUTION_H

#include <stdbool.h>
#include <stddef.h>

/// A convolution of NCHW images: input [batch, in_channels, height, width], weight [out_channels,
/// in_channels, kernel_height, kernel_width], output [batch, out_channels, out_height, out_width],
/// the same stride along both axes, zero padding pad_top above and pad_left on the left (the other
/// sides follow from the output size).
typedef struct {
    long batch, in_channels, height, width;
    long out_channels, kernel_height, kernel_width;
    long stride, pad_top, pad_left;
    long out_height, out_width;
} ldm_convolution_shape;

/// Output columns per panel, the kernel's unit of work along the columns: column ranges that start at
/// multiples of it split the work without partial panels.
#define LDM_CONVOLUTION_PANEL_COLUMNS 48

/// The largest kernel height and width the kernels take; callers use im2col and BLAS beyond it.
#define LDM_CONVOLUTION_MAX_KERNEL 16

/// Whether this CPU has the instructions of the kernels below (AVX-512F). When false, callers use
/// im2col and BLAS instead.
bool ldm_convolution_kernels_available(void);

/// Floats of the packed weight of `shape` (its rows rounded up to whole row blocks).
size_t ldm_convolution_packed_weight_count(ldm_convolution_shape shape);

/// Rearranges the weight [out_channels, in_channels·kh·kw] into the row blocks the kernel reads.
void ldm_convolution_pack_weight(ldm_convolution_shape shape, const float *weight, float *packed);

/// Packs, for the convolution `shape`, the weight [in_channels, out_channels, kh, kw] of another
/// convolution turned by 180° with its channel axes swapped: what the input gradient of a stride-1
/// convolution convolves its output gradient with. The same as turning it first, without the copy.
void ldm_convolution_pack_turned_weight(ldm_convolution_shape shape, const float *weight, float *packed);

/// Writes the output columns `column_begin..<column_end` of the convolution, counting the columns of
/// all images in order (column n·out_height·out_width + p is position p of image n), plus `bias`
/// [out_channels] when it is not NULL. Single-threaded; callers run disjoint column ranges side by
/// side. Every output value is the same whatever the ranges.
void ldm_convolution_forward(ldm_convolution_shape shape, const float *input, const float *packed_weight,
                             const float *bias, float *output, long column_begin, long column_end);

/// Floats of the scratch memory `ldm_convolution_weight_gradient` needs (64-byte aligned; about the
/// size of the weight). The caller provides it so that it can reuse it instead of touching fresh pages
/// at every call.
size_t ldm_convolution_weight_gradient_scratch_count(ldm_convolution_shape shape);

/// Writes the weight gradient [out_channels, in_channels·kh·kw] of the convolution over the output
/// columns `column_begin..<column_end` (counted as in `ldm_convolution_forward`): the sum over those
/// columns of the output gradient [batch, out_channels, out_height, out_width] times each column's
/// receptive field in `input`. Single-threaded; callers sum the results of disjoint column ranges,
/// each with its own scratch. Every value is summed over the columns in order, whatever else runs.
void ldm_convolution_weight_gradient(ldm_convolution_shape shape, const float *input, const float *output_gradient,
                                     float *weight_gradient, long column_begin, long column_end, float *scratch);

#endif
