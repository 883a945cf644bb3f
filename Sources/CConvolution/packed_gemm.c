// A general matrix product on the 8×48 register block of the convolution kernels (gemm_block.h): op(A)
// packed once into blocks of 8 rows, [k][8] each; op(B) one panel of 48 columns at a time, [k][48];
// every 8×48 tile of C summed over the whole depth in registers, then scaled into C.

#include "packed_gemm.h"
#include "gemm_block.h"

#include <immintrin.h>

static long rounded_up(long value, long multiple) { return (value + multiple - 1) / multiple * multiple; }

/// The scratch: op(A) packed, then one panel of op(B), then one tile of C. op(A)'s part is rounded up
/// to whole vectors of 16, so that the panel and the tile start 64-byte aligned.
static long packed_rows_count(long m, long k) { return rounded_up(rounded_up(m, BLOCK_ROWS) * k, 16); }

size_t ldm_gemm_scratch_count(long m, long n, long k) {
    (void)n;
    return (size_t)(packed_rows_count(m, k) + k * PANEL_COLUMNS + BLOCK_ROWS * PANEL_COLUMNS);
}

/// Lanes 8..<16 of `values`.
static inline KERNEL_TARGET __m256 upper_half(__m512 values) {
    return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(values), 1));
}

/// packed [block][k][8] = op(A) [8·block + r][p] (rows past m are zeros).
static KERNEL_TARGET void pack_rows(bool transpose, const float *a, long lda, long m, long k, float *packed) {
    if (transpose) {
        // op(A) [i][p] = a [p][i]: two blocks at a time, sixteen contiguous rows of each depth step (a
        // whole cache line of a when aligned) split between them.
        for (long first = 0; first < m; first += 2 * BLOCK_ROWS) {
            const __mmask16 valid = (__mmask16)((1u << smaller(m - first, 2 * BLOCK_ROWS)) - 1);
            float *low = packed + first * k, *high = low + BLOCK_ROWS * k;
            const bool has_high = first + BLOCK_ROWS < m;
            for (long p = 0; p < k; p++) {
                const __m512 values = _mm512_maskz_loadu_ps(valid, a + p * lda + first);
                _mm256_storeu_ps(low + p * BLOCK_ROWS, _mm512_castps512_ps256(values));
                if (has_high) _mm256_storeu_ps(high + p * BLOCK_ROWS, upper_half(values));
            }
        }
        return;
    }
    // Sixteen depth steps of eight rows at a time, turned by a register transpose.
    for (long first = 0; first < m; first += BLOCK_ROWS) {
        const long rows = smaller(m - first, BLOCK_ROWS);
        for (long p = 0; p < k; p += 16) {
            const long count = smaller(k - p, 16);
            const __mmask16 valid = (__mmask16)((1u << count) - 1);
            __m512 values[16];
            for (int r = 0; r < BLOCK_ROWS; r++)
                values[r] = r < rows ? _mm512_maskz_loadu_ps(valid, a + (first + r) * lda + p) : _mm512_setzero_ps();
            store_columns_of_eight(values, count, packed + first * k + p * BLOCK_ROWS);
        }
    }
}

/// panel [k][48] = op(B) [p][first + j] for j < width (columns past it are zeros).
static KERNEL_TARGET void pack_panel(bool transpose, const float *b, long ldb, long k, long first, long width,
                                     float *panel) {
    if (!transpose) {
        for (long p = 0; p < k; p++)
            for (int v = 0; v < PANEL_VECTORS; v++) {
                const long count = smaller(width - 16 * v, 16);
                const __mmask16 valid = count > 0 ? (__mmask16)((1u << count) - 1) : 0;
                _mm512_store_ps(panel + p * PANEL_COLUMNS + 16 * v,
                                _mm512_maskz_loadu_ps(valid, b + p * ldb + first + 16 * v));
            }
        return;
    }
    // op(B) [p][j] = b [j][p]: 16 columns × 16 depth steps at a time, turned by a register transpose.
    for (int v = 0; v < PANEL_VECTORS; v++) {
        const long columns = smaller(width - 16 * v, 16);
        for (long p = 0; p < k; p += 16) {
            const long count = smaller(k - p, 16);
            const __mmask16 valid = (__mmask16)((1u << count) - 1);
            __m512 values[16];
            for (int j = 0; j < 16; j++)
                values[j] = j < columns ? _mm512_maskz_loadu_ps(valid, b + (first + 16 * v + j) * ldb + p)
                                        : _mm512_setzero_ps();
            transpose_registers(values);
            for (long d = 0; d < count; d++) _mm512_store_ps(panel + (p + d) * PANEL_COLUMNS + 16 * v, values[d]);
        }
    }
}

/// C [first_row + r][first_column + j] = alpha · tile [r][j] (+ beta · C) for r < rows, j < width.
static KERNEL_TARGET void write_tile(const float *tile, long rows, long width, float alpha, float beta, float *c,
                                     long ldc) {
    const __m512 scale = _mm512_set1_ps(alpha), keep = _mm512_set1_ps(beta);
    for (long r = 0; r < rows; r++)
        for (int v = 0; v < PANEL_VECTORS && 16 * v < width; v++) {
            const long count = smaller(width - 16 * v, 16);
            const __mmask16 valid = (__mmask16)((1u << count) - 1);
            float *target = c + r * ldc + 16 * v;
            __m512 value = _mm512_mul_ps(scale, _mm512_load_ps(tile + r * PANEL_COLUMNS + 16 * v));
            if (beta != 0) value = _mm512_fmadd_ps(keep, _mm512_maskz_loadu_ps(valid, target), value);
            _mm512_mask_storeu_ps(target, valid, value);
        }
}

void ldm_gemm(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha, const float *a, long lda,
              const float *b, long ldb, float beta, float *c, long ldc, float *scratch) {
    float *packed_rows = scratch;
    float *panel = packed_rows + packed_rows_count(m, k);
    float *tile = panel + k * PANEL_COLUMNS;
    pack_rows(transpose_a, a, lda, m, k, packed_rows);
    for (long first_column = 0; first_column < n; first_column += PANEL_COLUMNS) {
        const long width = smaller(n - first_column, PANEL_COLUMNS);
        pack_panel(transpose_b, b, ldb, k, first_column, width, panel);
        for (long first_row = 0; first_row < m; first_row += BLOCK_ROWS) {
            multiply_block(width, k, packed_rows + first_row * k, panel, tile, false);
            write_tile(tile, smaller(m - first_row, BLOCK_ROWS), width, alpha, beta,
                       c + first_row * ldc + first_column, ldc);
        }
    }
}
