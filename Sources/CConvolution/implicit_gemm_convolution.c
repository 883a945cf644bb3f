// A convolution as a GEMM whose column matrix is never built ("implicit GEMM").
//
// Y [Cout, columns] = W [Cout, Cin·kh·kw] · cols [Cin·kh·kw, columns], where cols holds each output
// position's receptive field (im2col). Instead of writing cols out and having BLAS pack it again,
// each panel of 48 output columns is packed straight from the images into the layout the kernel
// reads, a block of depth (Cin·kh·kw) at a time, small enough to stay in L1 while every row block of
// the weight passes over it. The weight is packed into blocks of 8 rows beforehand (the caller keeps
// a packed weight while it is unchanged).
//
// The kernel keeps an 8×48 block of Y in 24 AVX-512 registers: per depth step it loads 48 column
// values (three vectors), broadcasts 8 weights and does 24 fused multiply-adds. (On this project's
// layer shapes, 8×32 in 16 registers measured 10–15 % slower; 12×32 and 6×64 were no faster.) The
// packing reads one run of columns per kernel tap with a masked load (a gather when strided), so
// padding costs no branches per value; a stride-1 convolution that keeps the width reads a whole
// image's columns in one run, across rows, which is what makes 4×4 and 8×8 maps cheap to pack. Every
// output value is a sum over the depth in the same order, whatever the column ranges.
//
// The weight gradient (at the end of this file) reuses the same packed panels.

#include "implicit_gemm_convolution.h"
#include "gemm_block.h"

#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool ldm_convolution_kernels_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

static long depth_of(const ldm_convolution_shape *s) { return s->in_channels * s->kernel_height * s->kernel_width; }

size_t ldm_convolution_packed_weight_count(ldm_convolution_shape shape) {
    return (size_t)(row_blocks_of(&shape) * BLOCK_ROWS * depth_of(&shape));
}

KERNEL_TARGET void ldm_convolution_pack_weight(ldm_convolution_shape shape, const float *weight, float *packed) {
    const long depth = depth_of(&shape), rows = shape.out_channels;
    for (long block = 0; block < row_blocks_of(&shape); block++) {
        // 16 depth values of each of the block's 8 rows, turned into 16 groups of 8 in registers.
        const long block_rows = smaller(rows - block * BLOCK_ROWS, BLOCK_ROWS);
        for (long k = 0; k < depth; k += 16) {
            const long count = smaller(depth - k, 16);
            const __mmask16 valid = (__mmask16)((1u << count) - 1);
            __m512 values[16];
            for (int r = 0; r < BLOCK_ROWS; r++)
                values[r] = r < block_rows ? _mm512_maskz_loadu_ps(valid, weight + (block * BLOCK_ROWS + r) * depth + k)
                                           : _mm512_setzero_ps();
            store_columns_of_eight(values, count, packed + (block * depth + k) * BLOCK_ROWS);
        }
    }
}

KERNEL_TARGET void ldm_convolution_pack_turned_weight(ldm_convolution_shape shape, const float *weight, float *packed) {
    const long taps = shape.kernel_height * shape.kernel_width, rows = shape.out_channels;
    for (long block = 0; block < row_blocks_of(&shape); block++) {
        const long block_rows = smaller(rows - block * BLOCK_ROWS, BLOCK_ROWS);
        for (long channel = 0; channel < shape.in_channels; channel++) {
            float *target = packed + (block * shape.in_channels + channel) * taps * BLOCK_ROWS;
            const float *source = weight + (channel * rows + block * BLOCK_ROWS) * taps;
            if (taps > 16) {
                for (long tap = 0; tap < taps; tap++)
                    for (long r = 0; r < BLOCK_ROWS; r++)
                        *target++ = r < block_rows ? source[r * taps + taps - 1 - tap] : 0;
                continue;
            }
            // Each row's taps in reverse (the 180° turn), then 8 rows turned into groups of 8.
            const __mmask16 valid = (__mmask16)((1u << taps) - 1);
            const __m512i reversed = _mm512_sub_epi32(_mm512_set1_epi32((int)taps - 1),
                _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
            __m512 values[16];
            for (int r = 0; r < BLOCK_ROWS; r++)
                values[r] = r < block_rows
                    ? _mm512_maskz_permutexvar_ps(valid, reversed, _mm512_maskz_loadu_ps(valid, source + r * taps))
                    : _mm512_setzero_ps();
            store_columns_of_eight(values, taps, target);
        }
    }
}

/// Lanes first..<end of a panel (0 ≤ first ≤ end ≤ 64) as a bit mask.
static inline uint64_t lanes(long first, long end) {
    if (end <= first) return 0;
    const uint64_t below_end = (end >= 64) ? ~0ull : ((1ull << end) - 1);
    return below_end & ~((1ull << first) - 1);
}

/// A run of a panel's columns whose receptive fields advance by one stride per column within one
/// image: one output row in general, or all the image's columns in the panel when the convolution
/// keeps the width at stride 1 (then output position p reads input position p plus a fixed offset
/// per tap, across rows too).
typedef struct {
    long image;
    /// Lanes offset..<offset+length of the panel.
    long offset, length;
    /// The first column's output position in its image (for writing out).
    long position;
    /// Where in the input plane lane 0 would read tap (0, 0): the run's first column reads there
    /// plus stride·offset (possibly outside the plane; such lanes are masked).
    long base;
} column_run;

/// A panel's runs and the lanes each kernel tap may read: the lanes whose receptive field puts tap
/// row i inside the image (`row_inside[i]`) and tap column j inside it (`column_inside[j]`).
typedef struct {
    int run_count;
    column_run runs[PANEL_COLUMNS];
    uint64_t row_inside[LDM_CONVOLUTION_MAX_KERNEL], column_inside[LDM_CONVOLUTION_MAX_KERNEL];
} panel_plan;

/// Whether output position p reads input position p + (a fixed offset per tap): stride 1 and the
/// width kept, so runs may span output rows.
static bool runs_span_rows(const ldm_convolution_shape *s) { return s->stride == 1 && s->out_width == s->width; }

/// Cuts the columns begin..<begin+width into runs and works out each tap's lanes, output row by output
/// row (a run that spans rows grows by one row's segment at a time).
static void plan_panel(const ldm_convolution_shape *s, long begin, long width, panel_plan *plan) {
    const long spatial = s->out_height * s->out_width, stride = s->stride;
    const bool whole_images = runs_span_rows(s);
    plan->run_count = 0;
    for (long i = 0; i < s->kernel_height; i++) plan->row_inside[i] = 0;
    for (long j = 0; j < s->kernel_width; j++) plan->column_inside[j] = 0;
    for (long column = begin; column < begin + width;) {
        const long image = column / spatial, position = column % spatial;
        const long out_row = position / s->out_width, out_column = position % s->out_width;
        const long length = smaller(s->out_width - out_column, begin + width - column), offset = column - begin;
        column_run *last = plan->run_count > 0 ? &plan->runs[plan->run_count - 1] : NULL;
        if (whole_images && last && last->image == image) {
            last->length += length;
        } else {
            const long base = (out_row * stride - s->pad_top) * s->width + out_column * stride - s->pad_left
                - stride * offset;
            plan->runs[plan->run_count++] = (column_run){image, offset, length, position, base};
        }
        const uint64_t segment = lanes(offset, offset + length);
        for (long i = 0; i < s->kernel_height; i++) {
            const long in_row = out_row * stride - s->pad_top + i;
            if (in_row >= 0 && in_row < s->height) plan->row_inside[i] |= segment;
        }
        for (long j = 0; j < s->kernel_width; j++) {
            // Column out_column + t reads input column first_column + stride·t.
            const long first_column = out_column * stride + j - s->pad_left;
            const long first = first_column >= 0 ? 0 : (-first_column + stride - 1) / stride;
            const long end = first_column >= s->width ? 0 : smaller((s->width - 1 - first_column) / stride + 1, length);
            plan->column_inside[j] |= lanes(offset + first, offset + end);
        }
        column += length;
    }
}

/// Packs the depth rows k_begin..<k_end of the panel's columns, [k][panel], straight from the input.
///
/// Each vector of a packed row is merged from masked loads of the runs it covers, so padding and
/// lanes past a short panel read nothing and hold zeros, without branches per value.
static KERNEL_TARGET void pack_columns(const ldm_convolution_shape *s, const float *input, const panel_plan *plan,
                                       long k_begin, long k_end, float *packed) {
    const long kernel_width = s->kernel_width, taps = s->kernel_height * kernel_width, stride = s->stride;
    const long plane = s->height * s->width;
    // The runs each vector covers, with their lanes in it.
    int covering[PANEL_VECTORS][PANEL_COLUMNS], covering_count[PANEL_VECTORS] = {0};
    __mmask16 run_lanes[PANEL_COLUMNS][PANEL_VECTORS];
    for (int r = 0; r < plan->run_count; r++) {
        const uint64_t place = lanes(plan->runs[r].offset, plan->runs[r].offset + plan->runs[r].length);
        for (int v = 0; v < PANEL_VECTORS; v++) {
            run_lanes[r][v] = (__mmask16)(place >> (16 * v));
            if (run_lanes[r][v]) covering[v][covering_count[v]++] = r;
        }
    }
    __m512i strided_lanes[PANEL_VECTORS];
    for (int v = 0; v < PANEL_VECTORS; v++) {
        const __m512i lane = _mm512_add_epi32(_mm512_set1_epi32(16 * v), _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
        strided_lanes[v] = _mm512_mullo_epi32(lane, _mm512_set1_epi32((int)stride));
    }
    const float *sources[PANEL_COLUMNS];
    __mmask16 row_lanes[PANEL_COLUMNS][PANEL_VECTORS];
    long channel = k_begin / taps, tap = k_begin % taps;
    for (long k = k_begin; k < k_end;) {
        const long i = tap / kernel_width;
        for (int r = 0; r < plan->run_count; r++) {
            const column_run run = plan->runs[r];
            sources[r] = input + (run.image * s->in_channels + channel) * plane + run.base + i * s->width;
            for (int v = 0; v < PANEL_VECTORS; v++)
                row_lanes[r][v] = run_lanes[r][v] & (__mmask16)(plan->row_inside[i] >> (16 * v));
            // The next output row reads the row below this one's last: fetch it ahead, since with one
            // plane per channel too many rows are in flight for the hardware prefetcher.
            if (stride == 1 && i == s->kernel_height - 1) {
                const float *next = sources[r] + s->width + run.offset;
                for (long c = 0; c < run.length + 16; c += 16) _mm_prefetch((const char *)(next + c), _MM_HINT_T0);
            }
        }
        for (long j = tap % kernel_width; j < kernel_width && k < k_end; j++, k++) {
            float *target = packed + (k - k_begin) * PANEL_COLUMNS;
            for (int v = 0; v < PANEL_VECTORS; v++) {
                const __mmask16 column_lanes = (__mmask16)(plan->column_inside[j] >> (16 * v));
                __m512 values = _mm512_setzero_ps();
                for (int c = 0; c < covering_count[v]; c++) {
                    const int r = covering[v][c];
                    const __mmask16 read = row_lanes[r][v] & column_lanes;
                    const float *source = sources[r] + j;
                    // Strided columns are gathered; lane l of vector v reads source[stride·(16v + l)].
                    values = stride == 1 ? _mm512_mask_loadu_ps(values, read, source + 16 * v)
                        : _mm512_mask_i32gather_ps(values, read, strided_lanes[v], source, 4);
                }
                _mm512_store_ps(target + 16 * v, values);
            }
        }
        tap = (i + 1) * kernel_width;
        if (tap == taps) { tap = 0; channel++; }
    }
}

/// Copies the panel's results [rows][48] into the output, image by image, adding the bias.
static KERNEL_TARGET void write_panel(const ldm_convolution_shape *s, const float *results, const float *bias,
                                      const panel_plan *plan, float *output) {
    const long spatial = s->out_height * s->out_width;
    for (int r = 0; r < plan->run_count;) {
        // Runs of the same image are contiguous in its output planes: one copy per image.
        const long image = plan->runs[r].image, offset = plan->runs[r].offset, position = plan->runs[r].position;
        long length = 0;
        for (; r < plan->run_count && plan->runs[r].image == image; r++) length += plan->runs[r].length;
        const uint64_t place = lanes(offset, offset + length);
        for (long row = 0; row < s->out_channels; row++) {
            const __m512 b = _mm512_set1_ps(bias ? bias[row] : 0);
            const float *source = results + row * PANEL_COLUMNS;
            float *target = output + (image * s->out_channels + row) * spatial + position - offset;
            for (int v = 0; v < PANEL_VECTORS; v++)
                _mm512_mask_storeu_ps(target + 16 * v, (__mmask16)(place >> (16 * v)),
                                      _mm512_add_ps(_mm512_load_ps(source + 16 * v), b));
        }
    }
}

KERNEL_TARGET void ldm_convolution_forward(ldm_convolution_shape shape_value, const float *input,
                                           const float *packed_weight, const float *bias, float *output,
                                           long column_begin, long column_end) {
    const ldm_convolution_shape *shape = &shape_value;
    const long depth = depth_of(shape), row_blocks = row_blocks_of(shape);
    float *packed = aligned_alloc(64, sizeof(float) * DEPTH_BLOCK * PANEL_COLUMNS);
    float *results = aligned_alloc(64, sizeof(float) * row_blocks * BLOCK_ROWS * PANEL_COLUMNS);
    panel_plan plan;
    for (long begin = column_begin; begin < column_end; begin += PANEL_COLUMNS) {
        const long width = smaller(column_end - begin, PANEL_COLUMNS);
        plan_panel(shape, begin, width, &plan);
        for (long k = 0; k < depth; k += DEPTH_BLOCK) {
            const long block_depth = smaller(depth - k, DEPTH_BLOCK);
            pack_columns(shape, input, &plan, k, k + block_depth, packed);
            for (long block = 0; block < row_blocks; block++) {
                multiply_block(width, block_depth, packed_weight + (block * depth + k) * BLOCK_ROWS, packed,
                               results + block * BLOCK_ROWS * PANEL_COLUMNS, k > 0);
            }
        }
        write_panel(shape, results, bias, &plan, output);
    }
    free(results);
    free(packed);
}

// The weight gradient dW [Cout, depth] = dY [Cout, columns] · colsᵀ, summed over the columns.
//
// The same packed panels of cols serve as the forward pass's: cols [k][48] per panel. The output
// gradient is packed transposed, [column][block of output channels], and the kernel keeps a tile of
// dWᵀ in registers while the columns stream past: per column it loads the block's channels of dY
// (up to four vectors), broadcasts one packed value per depth row of the tile and does up to 24 fused
// multiply-adds, the forward kernel's shape with the roles turned. Blocks of 64 channels take tiles of
// 6 depth rows; other channel counts take blocks of 48 and 8 depth rows. dWᵀ is kept in scratch and
// turned into dW once at the end, so every output value is a sum over the columns in order.

enum {
    /// Panels of columns packed and multiplied together: 96 columns of dY for 64 channels (24 KB) and
    /// a tile's packed rows stay in L1 while the tiles pass over them.
    GRADIENT_PANELS = 2,
};

/// Packs dY's channels first..<first+block for the panels' columns, [column][block]: zeros for
/// channels past the last and for columns past the panels' ends.
static void pack_output_gradient(const ldm_convolution_shape *s, const float *output_gradient, const panel_plan *plans,
                                 int panels, long first, long block, float *packed) {
    const long spatial = s->out_height * s->out_width;
    const long channels = smaller(s->out_channels - first, block);
    memset(packed, 0, sizeof(float) * panels * PANEL_COLUMNS * block);
    for (int panel = 0; panel < panels; panel++) {
        for (int r = 0; r < plans[panel].run_count; r++) {
            const column_run run = plans[panel].runs[r];
            float *target = packed + (panel * PANEL_COLUMNS + run.offset) * block;
            for (long channel = 0; channel < channels; channel++) {
                const float *source = output_gradient + (run.image * s->out_channels + first + channel) * spatial
                    + run.position;
                for (long t = 0; t < run.length; t++) target[t * block + channel] = source[t];
            }
        }
    }
}

/// Floats of dWᵀ, the packed column panels and the packed output gradient, in that order.
static size_t gradient_scratch_parts(const ldm_convolution_shape *s, size_t parts[3]) {
    const gradient_blocking b = gradient_blocking_of(s->out_channels, depth_of(s));
    parts[0] = (size_t)(b.tile_rows * b.tile_stride);
    parts[1] = (size_t)(GRADIENT_PANELS * DEPTH_BLOCK * PANEL_COLUMNS);
    parts[2] = (size_t)(b.channel_blocks * GRADIENT_PANELS * PANEL_COLUMNS * b.block);
    return parts[0] + parts[1] + parts[2];
}

size_t ldm_convolution_weight_gradient_scratch_count(ldm_convolution_shape shape) {
    size_t parts[3];
    return gradient_scratch_parts(&shape, parts);
}

KERNEL_TARGET void ldm_convolution_weight_gradient(ldm_convolution_shape shape_value, const float *input,
                                                   const float *output_gradient, float *weight_gradient,
                                                   long column_begin, long column_end, float *scratch) {
    const ldm_convolution_shape *shape = &shape_value;
    const long depth = depth_of(shape), channels = shape->out_channels;
    if (column_begin >= column_end) {
        memset(weight_gradient, 0, sizeof(float) * channels * depth);
        return;
    }
    const gradient_blocking blocking = gradient_blocking_of(channels, depth);
    const long block = blocking.block, tile_depth = blocking.tile_depth, channel_blocks = blocking.channel_blocks;
    const long tile_stride = blocking.tile_stride, depth_block = DEPTH_BLOCK / tile_depth * tile_depth;
    size_t parts[3];
    gradient_scratch_parts(shape, parts);
    // dWᵀ [depth rounded up to whole tiles][channels rounded up to whole blocks], written by the first
    // group of panels and added to by the others; columns past the last channel of a narrower last
    // block stay unwritten and are never read.
    float *transposed = scratch, *packed = scratch + parts[0], *gradient = packed + parts[1];
    // Packed rows past the depth feed only dWᵀ rows past it, which are dropped; zeros keep them finite.
    const long panel_stride = DEPTH_BLOCK * PANEL_COLUMNS;
    memset(packed, 0, sizeof(float) * parts[1]);
    const long block_floats = GRADIENT_PANELS * PANEL_COLUMNS * block;
    panel_plan plans[GRADIENT_PANELS];
    const long group_columns = GRADIENT_PANELS * PANEL_COLUMNS;
    for (long begin = column_begin; begin < column_end; begin += group_columns) {
        int panels = 0;
        for (long panel_begin = begin; panel_begin < column_end && panels < GRADIENT_PANELS;
             panel_begin += PANEL_COLUMNS, panels++) {
            const long width = smaller(column_end - panel_begin, PANEL_COLUMNS);
            plan_panel(shape, panel_begin, width, &plans[panels]);
        }
        for (long b = 0; b < channel_blocks; b++)
            pack_output_gradient(shape, output_gradient, plans, panels, b * block, block, gradient + b * block_floats);
        for (long k = 0; k < depth; k += depth_block) {
            const long block_depth = smaller(depth - k, depth_block);
            for (int panel = 0; panel < panels; panel++)
                pack_columns(shape, input, &plans[panel], k, k + block_depth, packed + panel * panel_stride);
            for (long b = 0; b < channel_blocks; b++)
                for (long q = 0; q < block_depth; q += tile_depth)
                    gradient_block_tile(&blocking, channels, b, panels, gradient + b * block_floats,
                                        packed + q * PANEL_COLUMNS, panel_stride,
                                        transposed + (k + q) * tile_stride + b * block, begin > column_begin);
        }
    }
    transpose_into(transposed, tile_stride, depth, channels, weight_gradient);
}
