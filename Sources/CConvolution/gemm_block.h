// What both convolution kernels share: the register-blocked GEMM step (an 8×48 block of the product
// in 24 AVX-512 registers, per depth step three vectors of 48 columns and eight broadcast weights),
// the weight gradient's tile of dWᵀ (the same shape with the roles turned), and the register transposes
// that put weights into their layouts.

#ifndef LDM_GEMM_BLOCK_H
#define LDM_GEMM_BLOCK_H

#include "implicit_gemm_convolution.h"

#include <immintrin.h>
#include <stdbool.h>

#define KERNEL_TARGET __attribute__((target("avx512f")))

enum {
    /// Rows of Y (output channels) per kernel call.
    BLOCK_ROWS = 8,
    /// Columns of Y (output positions) per panel, in AVX-512 vectors of 16.
    PANEL_VECTORS = LDM_CONVOLUTION_PANEL_COLUMNS / 16,
    PANEL_COLUMNS = LDM_CONVOLUTION_PANEL_COLUMNS,
    /// Depth packed and multiplied at a time: 128 × 48 floats = 24 KB, half of L1 (the weight
    /// blocks stream through the other half).
    DEPTH_BLOCK = 128,
};

static inline long smaller(long a, long b) { return a < b ? a : b; }

/// Blocks of 8 output channels (BLOCK_ROWS) the packed and transformed weights are cut into.
static inline long row_blocks_of(const ldm_convolution_shape *s) { return (s->out_channels + BLOCK_ROWS - 1) / BLOCK_ROWS; }

/// tile [8][16·vectors] (+)= a [depth][8]ᵀ · b [depth][16·vectors], rows of tile and b a panel
/// (48 floats) apart: the first `vectors` (a constant once inlined) of a panel's three vectors.
static inline __attribute__((always_inline)) KERNEL_TARGET void
multiply_columns(int vectors, long depth, const float *a, const float *b, float *tile, bool accumulate) {
    __m512 c[BLOCK_ROWS][PANEL_VECTORS];
#pragma clang loop unroll(full)
    for (int r = 0; r < BLOCK_ROWS; r++)
#pragma clang loop unroll(full)
        for (int v = 0; v < PANEL_VECTORS; v++)
            if (v < vectors) c[r][v] = accumulate ? _mm512_load_ps(tile + r * PANEL_COLUMNS + 16 * v) : _mm512_setzero_ps();
    for (long k = 0; k < depth; k++) {
        __m512 columns[PANEL_VECTORS];
#pragma clang loop unroll(full)
        for (int v = 0; v < PANEL_VECTORS; v++)
            if (v < vectors) columns[v] = _mm512_load_ps(b + 16 * v);
#pragma clang loop unroll(full)
        for (int r = 0; r < BLOCK_ROWS; r++) {
            const __m512 w = _mm512_set1_ps(a[r]);
#pragma clang loop unroll(full)
            for (int v = 0; v < PANEL_VECTORS; v++)
                if (v < vectors) c[r][v] = _mm512_fmadd_ps(w, columns[v], c[r][v]);
        }
        a += BLOCK_ROWS;
        b += PANEL_COLUMNS;
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < BLOCK_ROWS; r++)
#pragma clang loop unroll(full)
        for (int v = 0; v < PANEL_VECTORS; v++)
            if (v < vectors) _mm512_store_ps(tile + r * PANEL_COLUMNS + 16 * v, c[r][v]);
}

/// tile [8][panel] (+)= a [depth][8]ᵀ · b [depth][panel] for a panel of `width` columns, on only the
/// vectors that hold them: a short last panel costs what its columns need.
static inline KERNEL_TARGET void multiply_block(long width, long depth, const float *a, const float *b, float *tile,
                                                bool accumulate) {
    if (width > 32) multiply_columns(3, depth, a, b, tile, accumulate);
    else if (width > 16) multiply_columns(2, depth, a, b, tile, accumulate);
    else multiply_columns(1, depth, a, b, tile, accumulate);
}

/// Transposes the 16×16 matrix held in r[0..16] (row i in r[i]) in place: pairs of rows interleaved
/// by 1, 2, 4 and 8 values.
static inline __attribute__((always_inline)) KERNEL_TARGET void transpose_registers(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {
        const __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
        const __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
        r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
        r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
        r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
    for (int i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xdd);
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xdd);
    }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
    }
}

/// Writes `count` (≤ 16) consecutive groups of 8 to `packed`, group j holding lane j of the 8 vectors
/// rows[0..8]: a block of 8 rows turned into the kernel's [k][8] layout.
static inline __attribute__((always_inline)) KERNEL_TARGET void store_columns_of_eight(__m512 rows[16], long count,
                                                                                      float *packed) {
    for (int i = 8; i < 16; i++) rows[i] = _mm512_setzero_ps();
    transpose_registers(rows);
    for (long j = 0; j < count; j++) _mm256_storeu_ps(packed + 8 * j, _mm512_castps512_ps256(rows[j]));
}

enum {
    GRADIENT_MAX_VECTORS = 4,
    GRADIENT_MAX_TILE_DEPTH = 8,
};

/// tile [depth_rows][vectors·16] (rows `tile_stride` apart) (+)= Σ over `panels` panels of 48 columns
/// a [column][block] · b [k][48]ᵀ, where b's panels lie `panel_stride` floats apart: added to the tile
/// when `accumulate`, else written over it.
static inline __attribute__((always_inline)) KERNEL_TARGET void
gradient_tile(int vectors, int depth_rows, long block, int panels, const float *a, const float *b, long panel_stride,
              float *tile, long tile_stride, bool accumulate) {
    __m512 c[GRADIENT_MAX_TILE_DEPTH][GRADIENT_MAX_VECTORS];
#pragma clang loop unroll(full)
    for (int q = 0; q < GRADIENT_MAX_TILE_DEPTH; q++)
#pragma clang loop unroll(full)
        for (int v = 0; v < GRADIENT_MAX_VECTORS; v++)
            if (q < depth_rows && v < vectors)
                c[q][v] = accumulate ? _mm512_loadu_ps(tile + q * tile_stride + 16 * v) : _mm512_setzero_ps();
    for (int panel = 0; panel < panels; panel++) {
        const float *columns = a + panel * PANEL_COLUMNS * block;
        const float *rows = b + panel * panel_stride;
        for (int p = 0; p < PANEL_COLUMNS; p++) {
            __m512 channels[GRADIENT_MAX_VECTORS];
#pragma clang loop unroll(full)
            for (int v = 0; v < GRADIENT_MAX_VECTORS; v++)
                if (v < vectors) channels[v] = _mm512_load_ps(columns + p * block + 16 * v);
#pragma clang loop unroll(full)
            for (int q = 0; q < GRADIENT_MAX_TILE_DEPTH; q++) {
                if (q >= depth_rows) continue;
                const __m512 value = _mm512_set1_ps(rows[q * PANEL_COLUMNS + p]);
#pragma clang loop unroll(full)
                for (int v = 0; v < GRADIENT_MAX_VECTORS; v++)
                    if (v < vectors) c[q][v] = _mm512_fmadd_ps(channels[v], value, c[q][v]);
            }
        }
    }
#pragma clang loop unroll(full)
    for (int q = 0; q < GRADIENT_MAX_TILE_DEPTH; q++)
#pragma clang loop unroll(full)
        for (int v = 0; v < GRADIENT_MAX_VECTORS; v++)
            if (q < depth_rows && v < vectors) _mm512_storeu_ps(tile + q * tile_stride + 16 * v, c[q][v]);
}

/// A weight gradient's blocking, for `channels` output channels and `depth` rows of dWᵀ: blocks of 64
/// channels (4 vectors × 6 depth rows) where they divide the channels evenly, else 48 (3 vectors × 8
/// rows, the last block narrower).
typedef struct {
    bool sixty_four;
    long block, tile_depth, channel_blocks, tile_stride, tile_rows;
} gradient_blocking;

static inline gradient_blocking gradient_blocking_of(long channels, long depth) {
    gradient_blocking b;
    b.sixty_four = channels % 64 == 0;
    b.block = b.sixty_four ? 64 : 48;
    b.tile_depth = b.sixty_four ? 6 : 8;
    b.channel_blocks = (channels + b.block - 1) / b.block;
    b.tile_stride = b.channel_blocks * b.block;
    b.tile_rows = (depth + b.tile_depth - 1) / b.tile_depth * b.tile_depth;
    return b;
}


/// gradient_tile on channel block `b` with the blocking's tile shape (the block's vectors, fewer in a
/// narrower last block of 48).
static inline __attribute__((always_inline)) KERNEL_TARGET void
gradient_block_tile(const gradient_blocking *blocking, long channels, long b, int panels, const float *a,
                    const float *rows, long panel_stride, float *tile, bool accumulate) {
    const long stride = blocking->tile_stride;
    if (blocking->sixty_four) return gradient_tile(4, 6, 64, panels, a, rows, panel_stride, tile, stride, accumulate);
    const long remaining = channels - b * 48, vectors = ((remaining < 48 ? remaining : 48) + 15) / 16;
    if (vectors == 3) gradient_tile(3, 8, 48, panels, a, rows, panel_stride, tile, stride, accumulate);
    else if (vectors == 2) gradient_tile(2, 8, 48, panels, a, rows, panel_stride, tile, stride, accumulate);
    else gradient_tile(1, 8, 48, panels, a, rows, panel_stride, tile, stride, accumulate);
}

/// target [16][target_stride] = source [16][source_stride]ᵀ for a 16×16 block.
static inline KERNEL_TARGET void transpose_block(const float *source, long source_stride, float *target, long target_stride) {
    __m512 r[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(source + i * source_stride);
    transpose_registers(r);
    for (int i = 0; i < 16; i++) _mm512_storeu_ps(target + i * target_stride, r[i]);
}

/// target [columns][rows] = source [rows][columns] (rows `source_stride` apart): whole 16×16 blocks
/// in registers, the edges value by value.
static inline KERNEL_TARGET void transpose_into(const float *source, long source_stride, long rows, long columns,
                                         float *target) {
    const long whole_rows = rows / 16 * 16, whole_columns = columns / 16 * 16;
    for (long row = 0; row < whole_rows; row += 16)
        for (long column = 0; column < whole_columns; column += 16)
            transpose_block(source + row * source_stride + column, source_stride, target + column * rows + row, rows);
    for (long column = 0; column < columns; column++) {
        const long first_row = column < whole_columns ? whole_rows : 0;
        for (long row = first_row; row < rows; row++) target[column * rows + row] = source[row * source_stride + column];
    }
}

#endif
