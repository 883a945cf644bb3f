// 3×3, stride-1 convolutions that keep the image size, by Winograd's minimal filtering F(2×2, 3×3)
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016).
//
// Each 2×2 block of outputs (a tile) is Aᵀ·[Σ over input channels of U ⊙ V]·A, where U = G·g·Gᵀ is a
// 3×3 kernel g turned into 4×4 and V = Bᵀ·d·B the 4×4 input patch d around the tile, likewise. For
// each of the 16 positions ξ of those 4×4 transforms the sum is a GEMM, M_ξ [Cout, tiles] =
// U_ξ [Cout, Cin] · V_ξ [Cin, tiles]: 16 multiply-adds per channel pair and tile where the direct
// convolution does 36, 2.25× fewer. The transforms only add and subtract (and halve, in G), so the
// results stay within a few ulps of the direct sum.
//
// Tiles are taken 48 at a time, a panel: the implicit-GEMM kernel's 48 columns, so the shared 8×48
// GEMM block (gemm_block.h) does the products. Per panel, the patches are gathered from the images
// and transformed into V [ξ][channel][48], a depth block of channels at a time; each U_ξ multiplies
// V_ξ into M [ξ][Cout][48]; the output transform writes each tile's four outputs. Every output is
// summed over the channels in the same order, whatever the tile ranges.

#include "winograd_convolution.h"
#include "gemm_block.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

enum {
    /// Positions ξ of a 4×4 transform.
    POSITIONS = 16,
    /// Floats between two positions' planes of V: a depth block of 48-tile rows.
    POSITION_STRIDE = DEPTH_BLOCK * PANEL_COLUMNS,
};

static long tiles_down(const ldm_convolution_shape *s) { return (s->out_height + 1) / 2; }
static long tiles_across(const ldm_convolution_shape *s) { return (s->out_width + 1) / 2; }

bool ldm_winograd_applies(ldm_convolution_shape s) {
    // Gathers and scatters index the input and output with 32-bit offsets.
    const long largest = (long)INT32_MAX;
    return s.kernel_height == 3 && s.kernel_width == 3 && s.stride == 1 && s.pad_top == 1 && s.pad_left == 1
        && s.out_height == s.height && s.out_width == s.width
        && s.batch * s.in_channels * s.height * s.width < largest
        && s.batch * s.out_channels * s.out_height * s.out_width < largest;
}

long ldm_winograd_tile_count(ldm_convolution_shape s) { return s.batch * tiles_down(&s) * tiles_across(&s); }

size_t ldm_winograd_transformed_weight_count(ldm_convolution_shape s) {
    return (size_t)(POSITIONS * row_blocks_of(&s) * BLOCK_ROWS * s.in_channels);
}

/// u = G·g·Gᵀ with G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1], for 16 kernels g at once (one per lane).
static inline __attribute__((always_inline)) KERNEL_TARGET void transform_kernels(const __m512 g[3][3], __m512 u[16]) {
    const __m512 half = _mm512_set1_ps(0.5f);
    __m512 t[4][3];
    for (int j = 0; j < 3; j++) {
        const __m512 outer = _mm512_add_ps(g[0][j], g[2][j]);
        t[0][j] = g[0][j];
        t[1][j] = _mm512_mul_ps(half, _mm512_add_ps(outer, g[1][j]));
        t[2][j] = _mm512_mul_ps(half, _mm512_sub_ps(outer, g[1][j]));
        t[3][j] = g[2][j];
    }
    for (int i = 0; i < 4; i++) {
        const __m512 outer = _mm512_add_ps(t[i][0], t[i][2]);
        u[4 * i] = t[i][0];
        u[4 * i + 1] = _mm512_mul_ps(half, _mm512_add_ps(outer, t[i][1]));
        u[4 * i + 2] = _mm512_mul_ps(half, _mm512_sub_ps(outer, t[i][1]));
        u[4 * i + 3] = t[i][2];
    }
}

/// The transformed weight [ξ][row block][in channel][8 rows]: for each ξ, the layout the GEMM block
/// reads (rows past the last output channel are zeros). Sixteen input channels of a row at a time:
/// their kernels gathered into registers, transformed together, and eight rows turned into the
/// [channel][8] layout by a register transpose.
static KERNEL_TARGET void transform_weight(ldm_convolution_shape s, const float *weight, bool turned,
                                           float *transformed) {
    const long cin = s.in_channels, cout = s.out_channels, blocks = row_blocks_of(&s);
    const long position_stride = blocks * BLOCK_ROWS * cin;
    const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    // Kernel of channel c + lane: weight [o][c][3][3] 9 floats apart, or, turned, weight [c][o][3][3]
    // 9·cout apart and read back to front.
    const __m512i kernel_offsets = _mm512_mullo_epi32(lane, _mm512_set1_epi32((int)(turned ? 9 * cout : 9)));
    for (long block = 0; block < blocks; block++) {
        const long block_rows = smaller(cout - block * BLOCK_ROWS, BLOCK_ROWS);
        for (long c = 0; c < cin; c += 16) {
            const long count = smaller(cin - c, 16);
            const __mmask16 valid = (__mmask16)((1u << count) - 1);
            __m512 u[BLOCK_ROWS][POSITIONS];
            for (int r = 0; r < BLOCK_ROWS; r++) {
                if (r >= block_rows) {
                    for (int xi = 0; xi < POSITIONS; xi++) u[r][xi] = _mm512_setzero_ps();
                    continue;
                }
                const long o = block * BLOCK_ROWS + r;
                const float *first = weight + (turned ? c * cout + o : o * cin + c) * 9;
                __m512 g[3][3];
                for (int tap = 0; tap < 9; tap++) {
                    const __m512i at = _mm512_add_epi32(kernel_offsets, _mm512_set1_epi32(turned ? 8 - tap : tap));
                    g[tap / 3][tap % 3] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), valid, at, first, 4);
                }
                transform_kernels(g, u[r]);
            }
            for (int xi = 0; xi < POSITIONS; xi++) {
                __m512 rows[16];
                for (int r = 0; r < BLOCK_ROWS; r++) rows[r] = u[r][xi];
                store_columns_of_eight(rows, count, transformed + xi * position_stride + (block * cin + c) * BLOCK_ROWS);
            }
        }
    }
}

void ldm_winograd_transform_weight(ldm_convolution_shape shape, const float *weight, float *transformed) {
    transform_weight(shape, weight, false, transformed);
}

void ldm_winograd_transform_turned_weight(ldm_convolution_shape shape, const float *weight, float *transformed) {
    transform_weight(shape, weight, true, transformed);
}

/// Where a panel's tiles read and write, lane by lane (lanes past the panel's last tile do neither).
typedef struct {
    /// The offset of each tile's patch corner (one row up and one column left of its first output)
    /// in the input, image and position, as if channel 0; and of its first output in the output.
    __m512i read_offset[PANEL_VECTORS], write_offset[PANEL_VECTORS];
    /// The lanes whose patch value (i, j) lies inside the image, and whose output (a, b) does.
    __mmask16 reads[PANEL_VECTORS][4][4], writes[PANEL_VECTORS][2][2];
} tile_panel;

static KERNEL_TARGET void plan_tiles(const ldm_convolution_shape *s, long begin, long end, tile_panel *panel) {
    const long across = tiles_across(s), per_image = tiles_down(s) * across;
    const long plane = s->height * s->width, spatial = s->out_height * s->out_width;
    int32_t reads[PANEL_COLUMNS] = {0}, writes[PANEL_COLUMNS] = {0};
    uint64_t row_inside[4] = {0}, column_inside[4] = {0}, output_row_inside[2] = {0}, output_column_inside[2] = {0};
    for (long lane = 0; lane < smaller(end - begin, PANEL_COLUMNS); lane++) {
        const long tile = begin + lane, image = tile / per_image, place = tile % per_image;
        const long y = 2 * (place / across), x = 2 * (place % across);
        const uint64_t bit = 1ull << lane;
        reads[lane] = (int32_t)(image * s->in_channels * plane + (y - 1) * s->width + x - 1);
        writes[lane] = (int32_t)(image * s->out_channels * spatial + y * s->out_width + x);
        for (int i = 0; i < 4; i++) {
            if (y - 1 + i >= 0 && y - 1 + i < s->height) row_inside[i] |= bit;
            if (x - 1 + i >= 0 && x - 1 + i < s->width) column_inside[i] |= bit;
        }
        for (int a = 0; a < 2; a++) {
            if (y + a < s->out_height) output_row_inside[a] |= bit;
            if (x + a < s->out_width) output_column_inside[a] |= bit;
        }
    }
    for (int v = 0; v < PANEL_VECTORS; v++) {
        panel->read_offset[v] = _mm512_loadu_si512(reads + 16 * v);
        panel->write_offset[v] = _mm512_loadu_si512(writes + 16 * v);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                panel->reads[v][i][j] = (__mmask16)((row_inside[i] & column_inside[j]) >> (16 * v));
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                panel->writes[v][a][b] = (__mmask16)((output_row_inside[a] & output_column_inside[b]) >> (16 * v));
    }
}

/// V [ξ][channel − c_begin][48] = Bᵀ·d·B for the channels c_begin..<c_end of the panel's patches d (its
/// first `vectors` vectors of 16 tiles), with
/// Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]. Values outside the image read as zeros.
static KERNEL_TARGET void transform_patches(const ldm_convolution_shape *s, const float *input,
                                            const tile_panel *panel, long vectors, long c_begin, long c_end,
                                            float *transformed) {
    const long plane = s->height * s->width, width = s->width;
    for (long c = c_begin; c < c_end; c++) {
        const float *source = input + c * plane;
        float *target = transformed + (c - c_begin) * PANEL_COLUMNS;
        for (int v = 0; v < vectors; v++) {
            __m512 d[4][4], t[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) {
                    const __m512i at = _mm512_add_epi32(panel->read_offset[v], _mm512_set1_epi32((int)(i * width + j)));
                    d[i][j] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), panel->reads[v][i][j], at, source, 4);
                }
            for (int j = 0; j < 4; j++) {
                t[0][j] = _mm512_sub_ps(d[0][j], d[2][j]);
                t[1][j] = _mm512_add_ps(d[1][j], d[2][j]);
                t[2][j] = _mm512_sub_ps(d[2][j], d[1][j]);
                t[3][j] = _mm512_sub_ps(d[1][j], d[3][j]);
            }
            for (int i = 0; i < 4; i++) {
                float *row = target + 4 * i * POSITION_STRIDE + 16 * v;
                _mm512_store_ps(row, _mm512_sub_ps(t[i][0], t[i][2]));
                _mm512_store_ps(row + POSITION_STRIDE, _mm512_add_ps(t[i][1], t[i][2]));
                _mm512_store_ps(row + 2 * POSITION_STRIDE, _mm512_sub_ps(t[i][2], t[i][1]));
                _mm512_store_ps(row + 3 * POSITION_STRIDE, _mm512_sub_ps(t[i][1], t[i][3]));
            }
        }
    }
}

/// Each tile's outputs Aᵀ·m·A + bias from M [ξ][rows][48], with Aᵀ = [1 1 1 0; 0 1 −1 −1].
static KERNEL_TARGET void write_tiles(const ldm_convolution_shape *s, const float *products, long rows,
                                      const float *bias, const tile_panel *panel, long vectors, float *output) {
    const long spatial = s->out_height * s->out_width, width = s->out_width;
    for (long o = 0; o < s->out_channels; o++) {
        const __m512 b = _mm512_set1_ps(bias ? bias[o] : 0);
        float *target = output + o * spatial;
        for (int v = 0; v < vectors; v++) {
            __m512 sums[2][4];
            for (int j = 0; j < 4; j++) {
                const float *column = products + (j * rows + o) * PANEL_COLUMNS + 16 * v;
                const long row_stride = 4 * rows * PANEL_COLUMNS;
                const __m512 m0 = _mm512_load_ps(column), m1 = _mm512_load_ps(column + row_stride);
                const __m512 m2 = _mm512_load_ps(column + 2 * row_stride), m3 = _mm512_load_ps(column + 3 * row_stride);
                sums[0][j] = _mm512_add_ps(_mm512_add_ps(m0, m1), m2);
                sums[1][j] = _mm512_sub_ps(_mm512_sub_ps(m1, m2), m3);
            }
            for (int a = 0; a < 2; a++) {
                const __m512 left = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(sums[a][0], sums[a][1]), sums[a][2]), b);
                const __m512 right = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(sums[a][1], sums[a][2]), sums[a][3]), b);
                const __m512i at = _mm512_add_epi32(panel->write_offset[v], _mm512_set1_epi32((int)(a * width)));
                _mm512_mask_i32scatter_ps(target, panel->writes[v][a][0], at, left, 4);
                _mm512_mask_i32scatter_ps(target, panel->writes[v][a][1], _mm512_add_epi32(at, _mm512_set1_epi32(1)),
                                          right, 4);
            }
        }
    }
}

size_t ldm_winograd_scratch_count(ldm_convolution_shape shape) {
    return (size_t)(POSITIONS * POSITION_STRIDE + POSITIONS * row_blocks_of(&shape) * BLOCK_ROWS * PANEL_COLUMNS);
}

KERNEL_TARGET void ldm_winograd_forward(ldm_convolution_shape shape, const float *input, const float *transformed_weight,
                                        const float *bias, float *output, long tile_begin, long tile_end,
                                        float *scratch) {
    const ldm_convolution_shape *s = &shape;
    const long channels = s->in_channels, blocks = row_blocks_of(s), rows = blocks * BLOCK_ROWS;
    // V [ξ][depth block][48], then M [ξ][rows][48].
    float *patches = scratch, *products = scratch + POSITIONS * POSITION_STRIDE;
    tile_panel panel;
    for (long begin = tile_begin; begin < tile_end; begin += PANEL_COLUMNS) {
        const long width = smaller(tile_end - begin, PANEL_COLUMNS), vectors = (width + 15) / 16;
        plan_tiles(s, begin, begin + width, &panel);
        for (long k = 0; k < channels; k += DEPTH_BLOCK) {
            const long depth = smaller(channels - k, DEPTH_BLOCK);
            transform_patches(s, input, &panel, vectors, k, k + depth, patches);
            for (long xi = 0; xi < POSITIONS; xi++) {
                const float *weights = transformed_weight + xi * rows * channels;
                for (long block = 0; block < blocks; block++)
                    multiply_block(width, depth, weights + (block * channels + k) * BLOCK_ROWS, patches + xi * POSITION_STRIDE,
                                   products + (xi * rows + block * BLOCK_ROWS) * PANEL_COLUMNS, k > 0);
            }
        }
        write_tiles(s, products, rows, bias, &panel, vectors, output);
    }
}

// The weight gradient. With M = Σ_c U_c ⊙ V_c and Y = Aᵀ·M·A per tile, the output gradient dY of a tile
// gives dM = A·dY·Aᵀ, each U_c gets dU_c = Σ_tiles dM ⊙ V_c, and each kernel dg = Gᵀ·dU·G. For each ξ
// that sum is a GEMM, dUᵀ_ξ [Cin, Cout] = Σ_tiles V_ξ [Cin, tiles] · dM_ξ [tiles, Cout]: 16 products
// per channel pair and tile where the direct weight gradient does 36. The panels' V are the forward
// pass's transform; dM is packed [tile][block of output channels] and the shared tile of dWᵀ
// (gemm_block.h) accumulates dUᵀ_ξ while the panel's tiles stream past.

/// The scratch parts: V [ξ][depth block][48], dM [ξ][channels][48] and packed [ξ][block][48][block
/// channels], dUᵀ [ξ][Cin rows][channels], in that order.
static size_t gradient_parts(const ldm_convolution_shape *s, size_t parts[4]) {
    const gradient_blocking b = gradient_blocking_of(s->out_channels, s->in_channels);
    parts[0] = POSITIONS * POSITION_STRIDE;
    parts[1] = (size_t)(POSITIONS * b.tile_stride * PANEL_COLUMNS);
    parts[2] = parts[1];
    parts[3] = (size_t)(POSITIONS * b.tile_rows * b.tile_stride);
    return parts[0] + parts[1] + parts[2] + parts[3];
}

size_t ldm_winograd_weight_gradient_scratch_count(ldm_convolution_shape shape) {
    size_t parts[4];
    return gradient_parts(&shape, parts);
}

/// dM [ξ][o][48] = A·dY·Aᵀ for each output channel o of the panel's tiles, A = [1 0; 1 1; 1 −1; 0 −1];
/// outputs outside the image, and lanes past the panel's last tile, read as zeros. Rows are `rows`
/// apart per ξ.
static KERNEL_TARGET void transform_output_gradient(const ldm_convolution_shape *s, const float *output_gradient,
                                                    const tile_panel *panel, long rows, float *transformed) {
    const long spatial = s->out_height * s->out_width, width = s->out_width;
    for (long o = 0; o < s->out_channels; o++) {
        const float *source = output_gradient + o * spatial;
        for (int v = 0; v < PANEL_VECTORS; v++) {
            __m512 dy[2][2], t[4][2];
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++) {
                    const __m512i at = _mm512_add_epi32(panel->write_offset[v], _mm512_set1_epi32((int)(a * width + b)));
                    dy[a][b] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), panel->writes[v][a][b], at, source, 4);
                }
            for (int b = 0; b < 2; b++) {
                t[0][b] = dy[0][b];
                t[1][b] = _mm512_add_ps(dy[0][b], dy[1][b]);
                t[2][b] = _mm512_sub_ps(dy[0][b], dy[1][b]);
                t[3][b] = _mm512_sub_ps(_mm512_setzero_ps(), dy[1][b]);
            }
            for (int i = 0; i < 4; i++) {
                float *target = transformed + (4 * i * rows + o) * PANEL_COLUMNS + 16 * v;
                const long next = rows * PANEL_COLUMNS;
                _mm512_store_ps(target, t[i][0]);
                _mm512_store_ps(target + next, _mm512_add_ps(t[i][0], t[i][1]));
                _mm512_store_ps(target + 2 * next, _mm512_sub_ps(t[i][0], t[i][1]));
                _mm512_store_ps(target + 3 * next, _mm512_sub_ps(_mm512_setzero_ps(), t[i][1]));
            }
        }
    }
}

/// dW [o][c][3][3] = Gᵀ·dU·G for every kernel, from dUᵀ [ξ][c][o] (rows `stride` apart, planes `plane`
/// apart), with Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1]: 16 output channels at a time, their 9 values turned
/// into 16 rows of 9 by a register transpose.
static KERNEL_TARGET void write_kernel_gradients(const ldm_convolution_shape *s, const float *transposed, long stride,
                                                 long plane, float *weight_gradient) {
    const long cin = s->in_channels, cout = s->out_channels;
    const __m512 half = _mm512_set1_ps(0.5f);
    for (long o = 0; o < cout; o += 16) {
        const long count = smaller(cout - o, 16);
        const __mmask16 valid = (__mmask16)((1u << count) - 1);
        for (long c = 0; c < cin; c++) {
            __m512 u[4][4], t[3][4], values[16];
            for (int xi = 0; xi < POSITIONS; xi++)
                u[xi / 4][xi % 4] = _mm512_maskz_loadu_ps(valid, transposed + xi * plane + c * stride + o);
            for (int j = 0; j < 4; j++) {
                const __m512 middle = _mm512_mul_ps(half, _mm512_add_ps(u[1][j], u[2][j]));
                t[0][j] = _mm512_add_ps(u[0][j], middle);
                t[1][j] = _mm512_mul_ps(half, _mm512_sub_ps(u[1][j], u[2][j]));
                t[2][j] = _mm512_add_ps(middle, u[3][j]);
            }
            for (int a = 0; a < 3; a++) {
                const __m512 middle = _mm512_mul_ps(half, _mm512_add_ps(t[a][1], t[a][2]));
                values[3 * a] = _mm512_add_ps(t[a][0], middle);
                values[3 * a + 1] = _mm512_mul_ps(half, _mm512_sub_ps(t[a][1], t[a][2]));
                values[3 * a + 2] = _mm512_add_ps(middle, t[a][3]);
            }
            for (int i = 9; i < 16; i++) values[i] = _mm512_setzero_ps();
            transpose_registers(values);
            for (long l = 0; l < count; l++)
                _mm512_mask_storeu_ps(weight_gradient + ((o + l) * cin + c) * 9, 0x1ff, values[l]);
        }
    }
}

KERNEL_TARGET void ldm_winograd_weight_gradient(ldm_convolution_shape shape, const float *input,
                                                const float *output_gradient, float *weight_gradient,
                                                long tile_begin, long tile_end, float *scratch) {
    const ldm_convolution_shape *s = &shape;
    const long channels = s->in_channels;
    const gradient_blocking blocking = gradient_blocking_of(s->out_channels, channels);
    const long rows = blocking.tile_stride, depth_block = DEPTH_BLOCK / blocking.tile_depth * blocking.tile_depth;
    size_t parts[4];
    gradient_parts(s, parts);
    float *patches = scratch, *transformed = patches + parts[0], *packed = transformed + parts[1];
    float *gradient = packed + parts[2];
    const long plane = blocking.tile_rows * rows, packed_plane = rows * PANEL_COLUMNS;
    // dM rows past the last output channel stay zero; dUᵀ starts at zero.
    memset(transformed, 0, sizeof(float) * parts[1]);
    memset(gradient, 0, sizeof(float) * parts[3]);
    tile_panel panel;
    for (long begin = tile_begin; begin < tile_end; begin += PANEL_COLUMNS) {
        plan_tiles(s, begin, smaller(tile_end, begin + PANEL_COLUMNS), &panel);
        // All three vectors, so that lanes past the panel's last tile hold zeros in dM and in V and add
        // nothing.
        transform_output_gradient(s, output_gradient, &panel, rows, transformed);
        for (long xi = 0; xi < POSITIONS; xi++)
            for (long b = 0; b < blocking.channel_blocks; b++)
                transpose_into(transformed + (xi * rows + b * blocking.block) * PANEL_COLUMNS, PANEL_COLUMNS,
                               blocking.block, PANEL_COLUMNS,
                               packed + xi * packed_plane + b * blocking.block * PANEL_COLUMNS);
        for (long k = 0; k < channels; k += depth_block) {
            const long depth = smaller(channels - k, depth_block);
            transform_patches(s, input, &panel, PANEL_VECTORS, k, k + depth, patches);
            for (long xi = 0; xi < POSITIONS; xi++)
                for (long b = 0; b < blocking.channel_blocks; b++)
                    for (long q = 0; q < depth; q += blocking.tile_depth)
                        gradient_block_tile(&blocking, s->out_channels, b, 1,
                                            packed + xi * packed_plane + b * blocking.block * PANEL_COLUMNS,
                                            patches + xi * POSITION_STRIDE + q * PANEL_COLUMNS, 0,
                                            gradient + xi * plane + (k + q) * rows + b * blocking.block);
        }
    }
    write_kernel_gradients(s, gradient, rows, plane, weight_gradient);
}
