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
// packing reads one image row segment per (piece, kernel tap) with masked loads (gathers when
// strided), so padding costs no branches per value. Every output value is a sum over the depth in the
// same order, whatever the column ranges.

#include "implicit_gemm_convolution.h"

#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

bool ldm_convolution_kernels_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

static long depth_of(const ldm_convolution_shape *s) { return s->in_channels * s->kernel_height * s->kernel_width; }

static long row_blocks_of(const ldm_convolution_shape *s) { return (s->out_channels + BLOCK_ROWS - 1) / BLOCK_ROWS; }

size_t ldm_convolution_packed_weight_count(ldm_convolution_shape shape) {
    return (size_t)(row_blocks_of(&shape) * BLOCK_ROWS * depth_of(&shape));
}

void ldm_convolution_pack_weight(ldm_convolution_shape shape, const float *weight, float *packed) {
    const long depth = depth_of(&shape), rows = shape.out_channels;
    for (long block = 0; block < row_blocks_of(&shape); block++) {
        // The 8 rows read side by side and the block written in order (measured faster than reading
        // row by row and writing 8 apart).
        for (long k = 0; k < depth; k++) {
            for (long r = 0; r < BLOCK_ROWS; r++) {
                const long row = block * BLOCK_ROWS + r;
                *packed++ = row < rows ? weight[row * depth + k] : 0;
            }
        }
    }
}

void ldm_convolution_pack_turned_weight(ldm_convolution_shape shape, const float *weight, float *packed) {
    const long taps = shape.kernel_height * shape.kernel_width, rows = shape.out_channels;
    for (long block = 0; block < row_blocks_of(&shape); block++) {
        for (long channel = 0; channel < shape.in_channels; channel++) {
            for (long tap = 0; tap < taps; tap++) {
                for (long r = 0; r < BLOCK_ROWS; r++) {
                    const long row = block * BLOCK_ROWS + r;
                    *packed++ = row < rows ? weight[(channel * rows + row) * taps + taps - 1 - tap] : 0;
                }
            }
        }
    }
}

/// A run of a panel's columns that lie in one output row of one image.
typedef struct {
    long image, out_row, out_column, length;
    /// Where the run starts within the panel.
    long offset;
} row_piece;

/// Cuts the columns begin..<begin+width into runs along output rows; returns their number.
static int cut_into_rows(const ldm_convolution_shape *s, long begin, long width, row_piece *pieces) {
    const long spatial = s->out_height * s->out_width;
    int count = 0;
    for (long column = begin; column < begin + width;) {
        const long image = column / spatial, position = column % spatial;
        const long out_row = position / s->out_width, out_column = position % s->out_width;
        long length = s->out_width - out_column;
        if (length > begin + width - column) length = begin + width - column;
        pieces[count++] = (row_piece){image, out_row, out_column, length, column - begin};
        column += length;
    }
    return count;
}

/// Lanes first..<end of a panel (0 ≤ first ≤ end ≤ 64) as a bit mask.
static inline uint64_t lanes(long first, long end) {
    if (end <= first) return 0;
    const uint64_t below_end = (end >= 64) ? ~0ull : ((1ull << end) - 1);
    return below_end & ~((1ull << first) - 1);
}

/// Packs the depth rows k_begin..<k_end of the panel's columns, [k][panel], straight from the input.
///
/// The lanes each piece reads depend only on the kernel column j, so they are worked out once per
/// panel; a row above or below the image reads with an empty mask (zeros, no memory touched).
static KERNEL_TARGET void pack_columns(const ldm_convolution_shape *s, const float *input, const row_piece *pieces,
                                       int piece_count, long k_begin, long k_end, float *packed) {
    const long kernel_width = s->kernel_width, taps = s->kernel_height * kernel_width, stride = s->stride;
    __mmask16 reads[piece_count][kernel_width][PANEL_VECTORS];
    long read_offsets[piece_count][kernel_width];
    __mmask16 places[piece_count][PANEL_VECTORS];
    for (int p = 0; p < piece_count; p++) {
        const row_piece piece = pieces[p];
        const uint64_t place = lanes(piece.offset, piece.offset + piece.length);
        for (int v = 0; v < PANEL_VECTORS; v++) places[p][v] = (__mmask16)(place >> (16 * v));
        for (long j = 0; j < kernel_width; j++) {
            // Lane offset + t holds input column first_column + stride·t, when inside the row.
            const long first_column = piece.out_column * stride + j - s->pad_left;
            long first = first_column >= 0 ? 0 : (-first_column + stride - 1) / stride;
            long end = first_column >= s->width ? 0 : (s->width - 1 - first_column) / stride + 1;
            if (end > piece.length) end = piece.length;
            const uint64_t valid = lanes(piece.offset + first, piece.offset + end);
            for (int v = 0; v < PANEL_VECTORS; v++) reads[p][j][v] = (__mmask16)(valid >> (16 * v));
            read_offsets[p][j] = first_column - stride * piece.offset;
        }
    }
    const float *rows[PANEL_COLUMNS];
    __mmask16 row_inside[PANEL_COLUMNS];
    __m512i strided_lanes[PANEL_VECTORS];
    for (int v = 0; v < PANEL_VECTORS; v++) {
        const __m512i lane = _mm512_add_epi32(_mm512_set1_epi32(16 * v), _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
        strided_lanes[v] = _mm512_mullo_epi32(lane, _mm512_set1_epi32((int)stride));
    }
    long channel = k_begin / taps, tap = k_begin % taps;
    for (long k = k_begin; k < k_end;) {
        const long i = tap / kernel_width;
        for (int p = 0; p < piece_count; p++) {
            const long source_row = pieces[p].out_row * stride + i - s->pad_top;
            const bool inside = source_row >= 0 && source_row < s->height;
            row_inside[p] = inside ? 0xffff : 0;
            rows[p] = input + ((pieces[p].image * s->in_channels + channel) * s->height + (inside ? source_row : 0))
                * s->width;
            // The next output row will read the row below this one's last: fetch it ahead, since
            // with one plane per channel too many rows are in flight for the hardware prefetcher.
            const long next_row = source_row + 1;
            if (stride == 1 && i == s->kernel_height - 1 && next_row >= 0 && next_row < s->height) {
                const float *next = rows[p] + (next_row - source_row) * s->width + pieces[p].out_column;
                for (long c = 0; c < pieces[p].length + 16; c += 16) _mm_prefetch((const char *)(next + c), _MM_HINT_T0);
            }
        }
        for (long j = tap % kernel_width; j < kernel_width && k < k_end; j++, k++) {
            float *target = packed + (k - k_begin) * PANEL_COLUMNS;
            for (int p = 0; p < piece_count; p++) {
                const float *source = rows[p] + read_offsets[p][j];
                for (int v = 0; v < PANEL_VECTORS; v++) {
                    const __mmask16 read = reads[p][j][v] & row_inside[p];
                    // Strided columns are gathered; lane l of vector v reads source[stride·(16v + l)].
                    const __m512 values = stride == 1 ? _mm512_maskz_loadu_ps(read, source + 16 * v)
                        : _mm512_mask_i32gather_ps(_mm512_setzero_ps(), read, strided_lanes[v], source, 4);
                    _mm512_mask_storeu_ps(target + 16 * v, places[p][v], values);
                }
            }
        }
        tap = (i + 1) * kernel_width;
        if (tap == taps) { tap = 0; channel++; }
    }
}

/// tile [8][panel] (+)= a [depth][8]ᵀ · b [depth][panel].
static inline KERNEL_TARGET void multiply_block(long depth, const float *a, const float *b, float *tile,
                                                bool accumulate) {
    __m512 c[BLOCK_ROWS][PANEL_VECTORS];
#pragma clang loop unroll(full)
    for (int r = 0; r < BLOCK_ROWS; r++)
#pragma clang loop unroll(full)
        for (int v = 0; v < PANEL_VECTORS; v++)
            c[r][v] = accumulate ? _mm512_load_ps(tile + r * PANEL_COLUMNS + 16 * v) : _mm512_setzero_ps();
    for (long k = 0; k < depth; k++) {
        __m512 columns[PANEL_VECTORS];
#pragma clang loop unroll(full)
        for (int v = 0; v < PANEL_VECTORS; v++) columns[v] = _mm512_load_ps(b + 16 * v);
#pragma clang loop unroll(full)
        for (int r = 0; r < BLOCK_ROWS; r++) {
            const __m512 w = _mm512_set1_ps(a[r]);
#pragma clang loop unroll(full)
            for (int v = 0; v < PANEL_VECTORS; v++) c[r][v] = _mm512_fmadd_ps(w, columns[v], c[r][v]);
        }
        a += BLOCK_ROWS;
        b += PANEL_COLUMNS;
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < BLOCK_ROWS; r++)
#pragma clang loop unroll(full)
        for (int v = 0; v < PANEL_VECTORS; v++) _mm512_store_ps(tile + r * PANEL_COLUMNS + 16 * v, c[r][v]);
}

/// Copies the panel's results [rows][48] into the output, image by image, adding the bias.
static KERNEL_TARGET void write_panel(const ldm_convolution_shape *s, const float *results, const float *bias,
                                      const row_piece *pieces, int piece_count, float *output) {
    const long spatial = s->out_height * s->out_width;
    for (int p = 0; p < piece_count;) {
        // Runs of the same image are contiguous in its output planes: one copy per image.
        const long image = pieces[p].image, offset = pieces[p].offset;
        const long position = pieces[p].out_row * s->out_width + pieces[p].out_column;
        long length = 0;
        for (; p < piece_count && pieces[p].image == image; p++) length += pieces[p].length;
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
    // The lanes past a short last panel are multiplied but never written out; zeros keep them finite.
    memset(packed, 0, sizeof(float) * DEPTH_BLOCK * PANEL_COLUMNS);
    float *results = aligned_alloc(64, sizeof(float) * row_blocks * BLOCK_ROWS * PANEL_COLUMNS);
    row_piece pieces[PANEL_COLUMNS];
    for (long begin = column_begin; begin < column_end; begin += PANEL_COLUMNS) {
        const long width = column_end - begin < PANEL_COLUMNS ? column_end - begin : PANEL_COLUMNS;
        const int piece_count = cut_into_rows(shape, begin, width, pieces);
        for (long k = 0; k < depth; k += DEPTH_BLOCK) {
            const long block_depth = depth - k < DEPTH_BLOCK ? depth - k : DEPTH_BLOCK;
            pack_columns(shape, input, pieces, piece_count, k, k + block_depth, packed);
            for (long block = 0; block < row_blocks; block++) {
                multiply_block(block_depth, packed_weight + (block * depth + k) * BLOCK_ROWS, packed,
                               results + block * BLOCK_ROWS * PANEL_COLUMNS, k > 0);
            }
        }
        write_panel(shape, results, bias, pieces, piece_count, output);
    }
    free(results);
    free(packed);
}
