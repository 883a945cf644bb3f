// 3×3, stride-1 convolutions that keep the image size, by Winograd's minimal filtering F(m×m, 3×3)
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016): F(4×4, 3×3) with the
// points 0, ±1, ±2 and ∞ on maps of at least 8×8, F(2×2, 3×3) on smaller ones (and for the weight
// gradient of fewer than 128 tiles).
//
// Each m×m block of outputs (a tile) is Aᵀ·[Σ over input channels of U ⊙ V]·A, where U = G·g·Gᵀ is a
// 3×3 kernel g turned into (m+2)×(m+2) and V = Bᵀ·d·B the (m+2)×(m+2) input patch d around the tile,
// likewise. For each position ξ of those transforms the sum is a GEMM, M_ξ [Cout, tiles] =
// U_ξ [Cout, Cin] · V_ξ [Cin, tiles]. Per channel pair, a 4×4 tile takes 36 multiply-adds where the
// direct convolution does 144 (4× fewer), a 2×2 tile 16 where it does 36 (2.25×). On maps smaller than
// 8×8 most of a 6×6 patch is padding, and there the smaller tile is faster. F(2×2) only adds and halves,
// and stays within a few ulps of the direct sum; F(4×4) scales by up to 8 and by fractions down to
// 1/24, and carries about five times the direct sum's rounding error (1e−4 of the output's scale at
// 128 input channels, against 2e−5).
//
// Tiles are taken 48 at a time, a panel: the implicit-GEMM kernel's 48 columns, so the shared 8×48
// GEMM block (gemm_block.h) does the products. Per panel, the patches are gathered from the images
// and transformed into V [ξ][channel][48], a depth block of channels at a time; each U_ξ multiplies
// V_ξ into M [ξ][Cout][48]; the output transform writes each tile's outputs. Every output is summed
// over the channels in the same order, whatever the tile ranges.
//
// Every routine takes the tile side m (2 or 4) as its first argument; it is a constant wherever the
// exported functions call them, so each is compiled once per tile size.

#include "winograd_convolution.h"
#include "gemm_block.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

enum {
    /// The larger tile's side and its patch's: the sizes of the arrays both tile sizes use.
    MAX_TILE = 4,
    MAX_PATCH = MAX_TILE + 2,
    MAX_POSITIONS = MAX_PATCH * MAX_PATCH,
    /// Floats between two positions' planes of V: a depth block of 48-tile rows.
    POSITION_STRIDE = DEPTH_BLOCK * PANEL_COLUMNS,
};

#define ALWAYS_INLINE inline __attribute__((always_inline)) KERNEL_TARGET

static long tiles_down(int tile, const ldm_convolution_shape *s) { return (s->out_height + tile - 1) / tile; }
static long tiles_across(int tile, const ldm_convolution_shape *s) { return (s->out_width + tile - 1) / tile; }

static long tiles_of(int tile, const ldm_convolution_shape *s) {
    return s->batch * tiles_down(tile, s) * tiles_across(tile, s);
}

/// The forward pass's tile side m: 4 on maps of at least 8×8, else 2. It depends on the map alone, so
/// that an image's outputs are the same whatever the batch it comes in.
static int tile_of(const ldm_convolution_shape *s) { return s->out_height >= 8 && s->out_width >= 8 ? 4 : 2; }

/// The weight gradient's tile side: 4 where the forward pass's is and there are at least 128 such tiles.
/// Its fixed costs (turning dU into 3×3 kernels) are 36/16 of F(2×2)'s, and on 64 tiles of 16×16 maps it
/// ran no faster (1.50× the direct kernel against 1.52×); on 256 it runs at 2.12× against 1.73×.
static int gradient_tile_of(const ldm_convolution_shape *s) { return tile_of(s) == 4 && tiles_of(4, s) >= 128 ? 4 : 2; }

bool ldm_winograd_computes_weight_gradient(ldm_convolution_shape s) {
    // With fewer tiles the fixed costs outweigh the products saved: against the direct kernel
    // (Scripts/winograd-vs-direct.sh), F(2×2) ran at 0.80× on 16 tiles of 4×4 maps, 1.05× on 32 and
    // 1.5× on 64 or more of 8×8 or 16×16 maps; F(4×4), from 128 tiles, at about 2×.
    return gradient_tile_of(&s) == 4 || tiles_of(2, &s) >= 64;
}

static inline int patch_of(int tile) { return tile + 2; }
static inline int positions_of(int tile) { return patch_of(tile) * patch_of(tile); }

bool ldm_winograd_applies(ldm_convolution_shape s) {
    // Gathers and scatters index the input and output with 32-bit offsets.
    const long largest = (long)INT32_MAX;
    return s.kernel_height == 3 && s.kernel_width == 3 && s.stride == 1 && s.pad_top == 1 && s.pad_left == 1
        && s.out_height == s.height && s.out_width == s.width
        && s.batch * s.in_channels * s.height * s.width < largest
        && s.batch * s.out_channels * s.out_height * s.out_width < largest;
}

int ldm_winograd_forward_tile_side(ldm_convolution_shape s) { return tile_of(&s); }

int ldm_winograd_weight_gradient_tile_side(ldm_convolution_shape s) { return gradient_tile_of(&s); }

long ldm_winograd_tile_count(ldm_convolution_shape s, int side) { return tiles_of(side, &s); }

size_t ldm_winograd_transformed_weight_count(ldm_convolution_shape s) {
    return (size_t)(positions_of(tile_of(&s)) * row_blocks_of(&s) * BLOCK_ROWS * s.in_channels);
}

// The one-dimensional transforms, on 16 lanes at once, for F(4×4) and F(2×2). A two-dimensional
// transform applies one to every column, then to every row of the result.

/// r = Bᵀ·x, F(4×4): Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0;
/// 0 4 0 −5 0 1]. F(2×2): Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].
static ALWAYS_INLINE void input_transform(int tile, const __m512 *x, __m512 *r) {
    if (tile == 2) {
        r[0] = _mm512_sub_ps(x[0], x[2]);
        r[1] = _mm512_add_ps(x[1], x[2]);
        r[2] = _mm512_sub_ps(x[2], x[1]);
        r[3] = _mm512_sub_ps(x[1], x[3]);
        return;
    }
    const __m512 four = _mm512_set1_ps(4), minus_four = _mm512_set1_ps(-4), minus_five = _mm512_set1_ps(-5);
    const __m512 a = _mm512_fmadd_ps(minus_four, x[2], x[4]), b = _mm512_fmadd_ps(minus_four, x[1], x[3]);
    const __m512 c = _mm512_sub_ps(x[4], x[2]), e = _mm512_add_ps(_mm512_sub_ps(x[3], x[1]), _mm512_sub_ps(x[3], x[1]));
    r[0] = _mm512_fmadd_ps(four, x[0], _mm512_fmadd_ps(minus_five, x[2], x[4]));
    r[1] = _mm512_add_ps(a, b);
    r[2] = _mm512_sub_ps(a, b);
    r[3] = _mm512_add_ps(c, e);
    r[4] = _mm512_sub_ps(c, e);
    r[5] = _mm512_fmadd_ps(four, x[1], _mm512_fmadd_ps(minus_five, x[3], x[5]));
}

/// u = G·g, F(4×4): G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1]. F(2×2):
/// G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1].
static ALWAYS_INLINE void kernel_transform(int tile, const __m512 g[3], __m512 *u) {
    const __m512 outer = _mm512_add_ps(g[0], g[2]);
    if (tile == 2) {
        const __m512 half = _mm512_set1_ps(0.5f);
        u[0] = g[0];
        u[1] = _mm512_mul_ps(half, _mm512_add_ps(outer, g[1]));
        u[2] = _mm512_mul_ps(half, _mm512_sub_ps(outer, g[1]));
        u[3] = g[2];
        return;
    }
    const __m512 sixth = _mm512_set1_ps(-1.0f / 6);
    const __m512 b = _mm512_fmadd_ps(_mm512_set1_ps(1.0f / 24), g[0], _mm512_mul_ps(_mm512_set1_ps(1.0f / 6), g[2]));
    const __m512 c = _mm512_mul_ps(_mm512_set1_ps(1.0f / 12), g[1]);
    u[0] = _mm512_mul_ps(_mm512_set1_ps(0.25f), g[0]);
    u[1] = _mm512_mul_ps(sixth, _mm512_add_ps(outer, g[1]));
    u[2] = _mm512_mul_ps(sixth, _mm512_sub_ps(outer, g[1]));
    u[3] = _mm512_add_ps(b, c);
    u[4] = _mm512_sub_ps(b, c);
    u[5] = g[2];
}

/// y = Aᵀ·m, F(4×4): Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]. F(2×2):
/// Aᵀ = [1 1 1 0; 0 1 −1 −1].
static ALWAYS_INLINE void output_transform(int tile, const __m512 *m, __m512 *y) {
    const __m512 p = _mm512_add_ps(m[1], m[2]), q = _mm512_sub_ps(m[1], m[2]);
    if (tile == 2) {
        y[0] = _mm512_add_ps(m[0], p);
        y[1] = _mm512_sub_ps(q, m[3]);
        return;
    }
    const __m512 r = _mm512_add_ps(m[3], m[4]), s = _mm512_sub_ps(m[3], m[4]);
    y[0] = _mm512_add_ps(_mm512_add_ps(m[0], p), r);
    y[1] = _mm512_fmadd_ps(_mm512_set1_ps(2), s, q);
    y[2] = _mm512_fmadd_ps(_mm512_set1_ps(4), r, p);
    y[3] = _mm512_add_ps(_mm512_fmadd_ps(_mm512_set1_ps(8), s, q), m[5]);
}

/// z = A·y, the output transform's transpose: the weight gradient's dM from dY.
static ALWAYS_INLINE void output_gradient_transform(int tile, const __m512 *y, __m512 *z) {
    if (tile == 2) {
        z[0] = y[0];
        z[1] = _mm512_add_ps(y[0], y[1]);
        z[2] = _mm512_sub_ps(y[0], y[1]);
        z[3] = _mm512_sub_ps(_mm512_setzero_ps(), y[1]);
        return;
    }
    const __m512 even = _mm512_add_ps(y[0], y[2]), odd = _mm512_add_ps(y[1], y[3]);
    const __m512 even4 = _mm512_fmadd_ps(_mm512_set1_ps(4), y[2], y[0]);
    const __m512 odd8 = _mm512_fmadd_ps(_mm512_set1_ps(8), y[3], _mm512_add_ps(y[1], y[1]));
    z[0] = y[0];
    z[1] = _mm512_add_ps(even, odd);
    z[2] = _mm512_sub_ps(even, odd);
    z[3] = _mm512_add_ps(even4, odd8);
    z[4] = _mm512_sub_ps(even4, odd8);
    z[5] = y[3];
}

/// w = Gᵀ·u, the kernel transform's transpose: a kernel's gradient from dU.
static ALWAYS_INLINE void kernel_gradient_transform(int tile, const __m512 *u, __m512 w[3]) {
    if (tile == 2) {
        const __m512 middle = _mm512_mul_ps(_mm512_set1_ps(0.5f), _mm512_add_ps(u[1], u[2]));
        w[0] = _mm512_add_ps(u[0], middle);
        w[1] = _mm512_mul_ps(_mm512_set1_ps(0.5f), _mm512_sub_ps(u[1], u[2]));
        w[2] = _mm512_add_ps(middle, u[3]);
        return;
    }
    const __m512 p = _mm512_add_ps(u[1], u[2]), q = _mm512_sub_ps(u[2], u[1]);
    const __m512 r = _mm512_add_ps(u[3], u[4]), s = _mm512_sub_ps(u[3], u[4]);
    const __m512 sixth = _mm512_set1_ps(1.0f / 6);
    w[0] = _mm512_fmadd_ps(_mm512_set1_ps(0.25f), u[0],
                           _mm512_fmadd_ps(_mm512_set1_ps(-1.0f / 6), p, _mm512_mul_ps(_mm512_set1_ps(1.0f / 24), r)));
    w[1] = _mm512_fmadd_ps(sixth, q, _mm512_mul_ps(_mm512_set1_ps(1.0f / 12), s));
    w[2] = _mm512_fmadd_ps(sixth, _mm512_sub_ps(r, p), u[5]);
}

/// u [patch·i + j] = (G·g·Gᵀ)[i][j] for 16 kernels g at once (one per lane).
static ALWAYS_INLINE void transform_kernels(int tile, const __m512 g[3][3], __m512 *u) {
    const int patch = patch_of(tile);
    __m512 t[MAX_PATCH][3];
    for (int j = 0; j < 3; j++) {
        const __m512 column[3] = {g[0][j], g[1][j], g[2][j]};
        __m512 turned[MAX_PATCH];
        kernel_transform(tile, column, turned);
        for (int i = 0; i < patch; i++) t[i][j] = turned[i];
    }
    for (int i = 0; i < patch; i++) kernel_transform(tile, t[i], u + patch * i);
}

/// The row blocks `block_begin..<block_end` of the transformed weight [ξ][row block][in channel][8 rows]:
/// for each ξ, the layout the GEMM block reads (rows past the last output channel are zeros). Sixteen
/// input channels of a row at a time: their kernels loaded one per register and turned by a register
/// transpose into one register per tap (gathers ran 1.3× slower on AMD's Zen 5), transformed together,
/// and eight rows turned into the [channel][8] layout by another register transpose.
static ALWAYS_INLINE void transform_weight(int tile, ldm_convolution_shape s, const float *weight, bool turned,
                                           float *transformed, long block_begin, long block_end) {
    const int positions = positions_of(tile);
    const long cin = s.in_channels, cout = s.out_channels;
    const long position_stride = row_blocks_of(&s) * BLOCK_ROWS * cin;
    // Kernel of channel c + l: weight [o][c][3][3] 9 floats apart, or, turned, weight [c][o][3][3]
    // 9·cout apart and read back to front.
    const long kernel_stride = turned ? 9 * cout : 9;
    for (long block = block_begin; block < block_end; block++) {
        const long block_rows = smaller(cout - block * BLOCK_ROWS, BLOCK_ROWS);
        for (long c = 0; c < cin; c += 16) {
            const long count = smaller(cin - c, 16);
            __m512 u[BLOCK_ROWS][MAX_POSITIONS];
            for (int r = 0; r < BLOCK_ROWS; r++) {
                if (r >= block_rows) {
                    for (int xi = 0; xi < positions; xi++) u[r][xi] = _mm512_setzero_ps();
                    continue;
                }
                const long o = block * BLOCK_ROWS + r;
                const float *first = weight + (turned ? c * cout + o : o * cin + c) * 9;
                __m512 kernels[16];
                for (int l = 0; l < 16; l++)
                    kernels[l] = l < count ? _mm512_maskz_loadu_ps(0x1ff, first + l * kernel_stride) : _mm512_setzero_ps();
                transpose_registers(kernels);
                __m512 g[3][3];
                for (int tap = 0; tap < 9; tap++) g[tap / 3][tap % 3] = kernels[turned ? 8 - tap : tap];
                transform_kernels(tile, g, u[r]);
            }
            for (int xi = 0; xi < positions; xi++) {
                __m512 rows[16];
                for (int r = 0; r < BLOCK_ROWS; r++) rows[r] = u[r][xi];
                store_columns_of_eight(rows, count, transformed + xi * position_stride + (block * cin + c) * BLOCK_ROWS);
            }
        }
    }
}

static KERNEL_TARGET void transform_weight_of(ldm_convolution_shape s, const float *weight, bool turned,
                                              float *transformed, long block_begin, long block_end) {
    if (tile_of(&s) == 4) transform_weight(4, s, weight, turned, transformed, block_begin, block_end);
    else transform_weight(2, s, weight, turned, transformed, block_begin, block_end);
}

long ldm_winograd_weight_row_blocks(ldm_convolution_shape shape) { return row_blocks_of(&shape); }

void ldm_winograd_transform_weight(ldm_convolution_shape shape, const float *weight, float *transformed,
                                   long block_begin, long block_end) {
    transform_weight_of(shape, weight, false, transformed, block_begin, block_end);
}

void ldm_winograd_transform_turned_weight(ldm_convolution_shape shape, const float *weight, float *transformed,
                                          long block_begin, long block_end) {
    transform_weight_of(shape, weight, true, transformed, block_begin, block_end);
}

/// Where a panel's tiles read and write, lane by lane (lanes past the panel's last tile do neither).
typedef struct {
    /// The offset of each tile's patch corner (one row up and one column left of its first output)
    /// in the input, image and position, as if channel 0; and of its first output in the output.
    __m512i read_offset[PANEL_VECTORS], write_offset[PANEL_VECTORS];
    /// The lanes whose patch value (i, j) lies inside the image, and whose output (a, b) does.
    __mmask16 reads[PANEL_VECTORS][MAX_PATCH][MAX_PATCH], writes[PANEL_VECTORS][MAX_TILE][MAX_TILE];
} tile_panel;

static ALWAYS_INLINE void plan_tiles(int tile, const ldm_convolution_shape *s, long begin, long end,
                                     tile_panel *panel) {
    const int patch = patch_of(tile);
    const long across = tiles_across(tile, s), per_image = tiles_down(tile, s) * across;
    const long plane = s->height * s->width, spatial = s->out_height * s->out_width;
    int32_t reads[PANEL_COLUMNS] = {0}, writes[PANEL_COLUMNS] = {0};
    uint64_t row_inside[MAX_PATCH] = {0}, column_inside[MAX_PATCH] = {0};
    uint64_t output_row_inside[MAX_TILE] = {0}, output_column_inside[MAX_TILE] = {0};
    for (long lane = 0; lane < smaller(end - begin, PANEL_COLUMNS); lane++) {
        const long index = begin + lane, image = index / per_image, place = index % per_image;
        const long y = tile * (place / across), x = tile * (place % across);
        const uint64_t bit = 1ull << lane;
        reads[lane] = (int32_t)(image * s->in_channels * plane + (y - 1) * s->width + x - 1);
        writes[lane] = (int32_t)(image * s->out_channels * spatial + y * s->out_width + x);
        for (int i = 0; i < patch; i++) {
            if (y - 1 + i >= 0 && y - 1 + i < s->height) row_inside[i] |= bit;
            if (x - 1 + i >= 0 && x - 1 + i < s->width) column_inside[i] |= bit;
        }
        for (int a = 0; a < tile; a++) {
            if (y + a < s->out_height) output_row_inside[a] |= bit;
            if (x + a < s->out_width) output_column_inside[a] |= bit;
        }
    }
    for (int v = 0; v < PANEL_VECTORS; v++) {
        panel->read_offset[v] = _mm512_loadu_si512(reads + 16 * v);
        panel->write_offset[v] = _mm512_loadu_si512(writes + 16 * v);
        for (int i = 0; i < patch; i++)
            for (int j = 0; j < patch; j++)
                panel->reads[v][i][j] = (__mmask16)((row_inside[i] & column_inside[j]) >> (16 * v));
        for (int a = 0; a < tile; a++)
            for (int b = 0; b < tile; b++)
                panel->writes[v][a][b] = (__mmask16)((output_row_inside[a] & output_column_inside[b]) >> (16 * v));
    }
}

/// target [patch·i + j] (`target_stride` floats apart, for i, j < patch) = the two-dimensional transform
/// of the n×n values of 16 lanes around `offset` in `source` (rows `width` apart; lane masks [i][j]
/// `mask_stride` per row, masked values read as zeros): Bᵀ·d·B of a patch (n = patch), or, when
/// `gradient`, A·dY·Aᵀ of a tile's output gradient (n = tile). Columns first, then each row.
static ALWAYS_INLINE void gather_transformed(int tile, bool gradient, const float *source, long width, __m512i offset,
                                            const __mmask16 *masks, int mask_stride, float *target,
                                            long target_stride) {
    const int patch = patch_of(tile), n = gradient ? tile : patch;
    __m512 t[MAX_PATCH][MAX_PATCH];
    for (int j = 0; j < n; j++) {
        __m512 column[MAX_PATCH], turned[MAX_PATCH];
        for (int i = 0; i < n; i++) {
            const __m512i at = _mm512_add_epi32(offset, _mm512_set1_epi32((int)(i * width + j)));
            column[i] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), masks[i * mask_stride + j], at, source, 4);
        }
        if (gradient) output_gradient_transform(tile, column, turned);
        else input_transform(tile, column, turned);
        for (int i = 0; i < patch; i++) t[i][j] = turned[i];
    }
    for (int i = 0; i < patch; i++) {
        __m512 row[MAX_PATCH];
        if (gradient) output_gradient_transform(tile, t[i], row);
        else input_transform(tile, t[i], row);
        for (int j = 0; j < patch; j++) _mm512_store_ps(target + (patch * i + j) * target_stride, row[j]);
    }
}

/// V [ξ][channel − c_begin][48] = Bᵀ·d·B for the channels c_begin..<c_end of the panel's patches d (its
/// first `vectors` vectors of 16 tiles). Values outside the image read as zeros.
static ALWAYS_INLINE void transform_patches(int tile, const ldm_convolution_shape *s, const float *input,
                                            const tile_panel *panel, long vectors, long c_begin, long c_end,
                                            float *transformed) {
    const long plane = s->height * s->width, width = s->width;
    for (long c = c_begin; c < c_end; c++) {
        const float *source = input + c * plane;
        float *target = transformed + (c - c_begin) * PANEL_COLUMNS;
        for (int v = 0; v < vectors; v++)
            gather_transformed(tile, false, source, width, panel->read_offset[v], &panel->reads[v][0][0], MAX_PATCH,
                               target + 16 * v, POSITION_STRIDE);
    }
}

/// Each tile's outputs Aᵀ·m·A + bias from M [ξ][rows][48].
static ALWAYS_INLINE void write_tiles(int tile, const ldm_convolution_shape *s, const float *products, long rows,
                                      const float *bias, const tile_panel *panel, long vectors, float *output) {
    const int patch = patch_of(tile);
    const long spatial = s->out_height * s->out_width, width = s->out_width;
    for (long o = 0; o < s->out_channels; o++) {
        const __m512 b = _mm512_set1_ps(bias ? bias[o] : 0);
        float *target = output + o * spatial;
        for (int v = 0; v < vectors; v++) {
            // Aᵀ·m column by column, then each of its rows times A.
            __m512 t[MAX_TILE][MAX_PATCH];
            for (int j = 0; j < patch; j++) {
                __m512 column[MAX_PATCH], sums[MAX_TILE];
                for (int i = 0; i < patch; i++)
                    column[i] = _mm512_load_ps(products + ((patch * i + j) * rows + o) * PANEL_COLUMNS + 16 * v);
                output_transform(tile, column, sums);
                for (int a = 0; a < tile; a++) t[a][j] = sums[a];
            }
            for (int a = 0; a < tile; a++) {
                __m512 y[MAX_TILE];
                output_transform(tile, t[a], y);
                const __m512i at = _mm512_add_epi32(panel->write_offset[v], _mm512_set1_epi32((int)(a * width)));
                for (int c = 0; c < tile; c++)
                    _mm512_mask_i32scatter_ps(target, panel->writes[v][a][c], _mm512_add_epi32(at, _mm512_set1_epi32(c)),
                                              _mm512_add_ps(y[c], b), 4);
            }
        }
    }
}

size_t ldm_winograd_scratch_count(ldm_convolution_shape shape) {
    const int positions = positions_of(tile_of(&shape));
    return (size_t)(positions * POSITION_STRIDE + positions * row_blocks_of(&shape) * BLOCK_ROWS * PANEL_COLUMNS);
}

static ALWAYS_INLINE void forward_tiles(int tile, const ldm_convolution_shape *s, const float *input,
                                  const float *transformed_weight, const float *bias, float *output, long tile_begin,
                                  long tile_end, float *scratch) {
    const int positions = positions_of(tile);
    const long channels = s->in_channels, blocks = row_blocks_of(s), rows = blocks * BLOCK_ROWS;
    // V [ξ][depth block][48], then M [ξ][rows][48].
    float *patches = scratch, *products = scratch + positions * POSITION_STRIDE;
    tile_panel panel;
    for (long begin = tile_begin; begin < tile_end; begin += PANEL_COLUMNS) {
        const long width = smaller(tile_end - begin, PANEL_COLUMNS), vectors = (width + 15) / 16;
        plan_tiles(tile, s, begin, begin + width, &panel);
        for (long k = 0; k < channels; k += DEPTH_BLOCK) {
            const long depth = smaller(channels - k, DEPTH_BLOCK);
            transform_patches(tile, s, input, &panel, vectors, k, k + depth, patches);
            for (long xi = 0; xi < positions; xi++) {
                const float *weights = transformed_weight + xi * rows * channels;
                for (long block = 0; block < blocks; block++)
                    multiply_block(width, depth, weights + (block * channels + k) * BLOCK_ROWS, patches + xi * POSITION_STRIDE,
                                   products + (xi * rows + block * BLOCK_ROWS) * PANEL_COLUMNS, k > 0);
            }
        }
        write_tiles(tile, s, products, rows, bias, &panel, vectors, output);
    }
}

KERNEL_TARGET void ldm_winograd_forward(ldm_convolution_shape shape, const float *input, const float *transformed_weight,
                                        const float *bias, float *output, long tile_begin, long tile_end,
                                        float *scratch) {
    if (tile_of(&shape) == 4) forward_tiles(4, &shape, input, transformed_weight, bias, output, tile_begin, tile_end, scratch);
    else forward_tiles(2, &shape, input, transformed_weight, bias, output, tile_begin, tile_end, scratch);
}

// The weight gradient. With M = Σ_c U_c ⊙ V_c and Y = Aᵀ·M·A per tile, the output gradient dY of a tile
// gives dM = A·dY·Aᵀ, each U_c gets dU_c = Σ_tiles dM ⊙ V_c, and each kernel dg = Gᵀ·dU·G. For each ξ
// that sum is a GEMM, dUᵀ_ξ [Cin, Cout] = Σ_tiles V_ξ [Cin, tiles] · dM_ξ [tiles, Cout], with the
// forward pass's savings. The panels' V are the forward pass's transform; dM is packed [tile][block of
// output channels] and the shared tile of dWᵀ (gemm_block.h) accumulates dUᵀ_ξ while the panel's tiles
// stream past.

/// The scratch parts: V [ξ][depth block][48], dM [ξ][channels][48] and packed [ξ][block][48][block
/// channels], dUᵀ [ξ][Cin rows][channels], in that order.
static size_t gradient_parts(const ldm_convolution_shape *s, size_t parts[4]) {
    const gradient_blocking b = gradient_blocking_of(s->out_channels, s->in_channels);
    const long positions = positions_of(gradient_tile_of(s));
    parts[0] = (size_t)(positions * POSITION_STRIDE);
    parts[1] = (size_t)(positions * b.tile_stride * PANEL_COLUMNS);
    parts[2] = parts[1];
    parts[3] = (size_t)(positions * b.tile_rows * b.tile_stride);
    return parts[0] + parts[1] + parts[2] + parts[3];
}

size_t ldm_winograd_weight_gradient_scratch_count(ldm_convolution_shape shape) {
    size_t parts[4];
    return gradient_parts(&shape, parts);
}

/// dM [ξ][o][48] = A·dY·Aᵀ for each output channel o of the panel's tiles; outputs outside the image,
/// and lanes past the panel's last tile, read as zeros. Rows are `rows` apart per ξ.
static ALWAYS_INLINE void transform_output_gradient(int tile, const ldm_convolution_shape *s,
                                                    const float *output_gradient, const tile_panel *panel, long rows,
                                                    float *transformed) {
    const long spatial = s->out_height * s->out_width, width = s->out_width;
    for (long o = 0; o < s->out_channels; o++) {
        const float *source = output_gradient + o * spatial;
        for (int v = 0; v < PANEL_VECTORS; v++)
            gather_transformed(tile, true, source, width, panel->write_offset[v], &panel->writes[v][0][0], MAX_TILE,
                               transformed + o * PANEL_COLUMNS + 16 * v, rows * PANEL_COLUMNS);
    }
}

/// dW [o][c][3][3] = Gᵀ·dU·G for every kernel, from dUᵀ [ξ][c][o] (rows `stride` apart, planes `plane`
/// apart): 16 output channels at a time, their 9 values turned into 16 rows of 9 by a register transpose.
static ALWAYS_INLINE void write_kernel_gradients(int tile, const ldm_convolution_shape *s, const float *transposed,
                                                 long stride, long plane, float *weight_gradient) {
    const int patch = patch_of(tile);
    const long cin = s->in_channels, cout = s->out_channels;
    for (long o = 0; o < cout; o += 16) {
        const long count = smaller(cout - o, 16);
        const __mmask16 valid = (__mmask16)((1u << count) - 1);
        for (long c = 0; c < cin; c++) {
            // Gᵀ·dU column by column, then each of its rows times G.
            __m512 t[3][MAX_PATCH], values[16];
            for (int j = 0; j < patch; j++) {
                __m512 column[MAX_PATCH], turned[3];
                for (int i = 0; i < patch; i++)
                    column[i] = _mm512_maskz_loadu_ps(valid, transposed + (patch * i + j) * plane + c * stride + o);
                kernel_gradient_transform(tile, column, turned);
                for (int a = 0; a < 3; a++) t[a][j] = turned[a];
            }
            for (int a = 0; a < 3; a++) kernel_gradient_transform(tile, t[a], values + 3 * a);
            for (int i = 9; i < 16; i++) values[i] = _mm512_setzero_ps();
            transpose_registers(values);
            for (long l = 0; l < count; l++)
                _mm512_mask_storeu_ps(weight_gradient + ((o + l) * cin + c) * 9, 0x1ff, values[l]);
        }
    }
}

static ALWAYS_INLINE void weight_gradient_of_tiles(int tile, const ldm_convolution_shape *s, const float *input,
                                          const float *output_gradient, float *weight_gradient, long tile_begin,
                                          long tile_end, float *scratch) {
    const int positions = positions_of(tile);
    const long channels = s->in_channels;
    if (tile_begin >= tile_end) {
        memset(weight_gradient, 0, sizeof(float) * s->out_channels * channels * 9);
        return;
    }
    const gradient_blocking blocking = gradient_blocking_of(s->out_channels, channels);
    const long rows = blocking.tile_stride, depth_block = DEPTH_BLOCK / blocking.tile_depth * blocking.tile_depth;
    size_t parts[4];
    gradient_parts(s, parts);
    float *patches = scratch, *transformed = patches + parts[0], *packed = transformed + parts[1];
    float *gradient = packed + parts[2];
    const long plane = blocking.tile_rows * rows, packed_plane = rows * PANEL_COLUMNS;
    // dM rows past the last output channel stay zero. dUᵀ is written by the first panel and added to by
    // the others (columns past the last channel of a narrower last block stay unwritten, never read).
    for (long xi = 0; xi < positions; xi++)
        memset(transformed + (xi * rows + s->out_channels) * PANEL_COLUMNS, 0,
               sizeof(float) * (rows - s->out_channels) * PANEL_COLUMNS);
    tile_panel panel;
    for (long begin = tile_begin; begin < tile_end; begin += PANEL_COLUMNS) {
        plan_tiles(tile, s, begin, smaller(tile_end, begin + PANEL_COLUMNS), &panel);
        // All three vectors, so that lanes past the panel's last tile hold zeros in dM and in V and add
        // nothing.
        transform_output_gradient(tile, s, output_gradient, &panel, rows, transformed);
        for (long xi = 0; xi < positions; xi++)
            for (long b = 0; b < blocking.channel_blocks; b++)
                transpose_into(transformed + (xi * rows + b * blocking.block) * PANEL_COLUMNS, PANEL_COLUMNS,
                               blocking.block, PANEL_COLUMNS,
                               packed + xi * packed_plane + b * blocking.block * PANEL_COLUMNS);
        for (long k = 0; k < channels; k += depth_block) {
            const long depth = smaller(channels - k, depth_block);
            transform_patches(tile, s, input, &panel, PANEL_VECTORS, k, k + depth, patches);
            for (long xi = 0; xi < positions; xi++)
                for (long b = 0; b < blocking.channel_blocks; b++)
                    for (long q = 0; q < depth; q += blocking.tile_depth)
                        gradient_block_tile(&blocking, s->out_channels, b, 1,
                                            packed + xi * packed_plane + b * blocking.block * PANEL_COLUMNS,
                                            patches + xi * POSITION_STRIDE + q * PANEL_COLUMNS, 0,
                                            gradient + xi * plane + (k + q) * rows + b * blocking.block,
                                            begin > tile_begin);
        }
    }
    write_kernel_gradients(tile, s, gradient, rows, plane, weight_gradient);
}

KERNEL_TARGET void ldm_winograd_weight_gradient(ldm_convolution_shape shape, const float *input,
                                                const float *output_gradient, float *weight_gradient,
                                                long tile_begin, long tile_end, float *scratch) {
    if (gradient_tile_of(&shape) == 4)
        weight_gradient_of_tiles(4, &shape, input, output_gradient, weight_gradient, tile_begin, tile_end, scratch);
    else weight_gradient_of_tiles(2, &shape, input, output_gradient, weight_gradient, tile_begin, tile_end, scratch);
}
