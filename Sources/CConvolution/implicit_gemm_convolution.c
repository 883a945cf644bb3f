// A stride-1 convolution as a GEMM whose column matrix is never built ("implicit GEMM").
//
// Y [Cout, columns] = W [Cout, Cin·kh·kw] · cols [Cin·kh·kw, columns], where cols holds each output
// position's receptive field (im2col). Instead of writing cols out and having BLAS pack it again,
// each panel of 32 output columns is packed straight from the images into the layout the kernel
// reads, a block of depth (Cin·kh·kw) at a time, small enough to stay in L1 while every row block of
// the weight passes over it. The weight is packed once per call into blocks of 8 rows.
//
// The kernel keeps an 8×32 block of Y in 16 AVX-512 registers: per depth step it loads 32 column
// values (two vectors), broadcasts 8 weights and does 16 fused multiply-adds. The packing reads one
// image row segment per (piece, kernel tap) with masked loads, so padding costs no branches per value.
// Every output value is a sum over the depth in the same order, whatever the column ranges.

#include "implicit_gemm_convolution.h"

#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KERNEL_TARGET __attribute__((target("avx512f")))

enum {
    /// Rows of Y (output channels) per kernel call.
    BLOCK_ROWS = 8,
    /// Columns of Y (output positions) per panel: two AVX-512 vectors.
    PANEL_COLUMNS = 32,
    /// Depth packed and multiplied at a time: 256 × 32 floats = 32 KB, within L1. (128 and 512
    /// measured no better.)
    DEPTH_BLOCK = 256,
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
    for (long block = 0; block < row_blocks_of(&shape); block++, packed += BLOCK_ROWS * depth) {
        // Row by row, so that the reads run along the weight (the writes stay within a block in cache).
        for (long r = 0; r < BLOCK_ROWS; r++) {
            const long row = block * BLOCK_ROWS + r;
            for (long k = 0; k < depth; k++) packed[k * BLOCK_ROWS + r] = row < rows ? weight[row * depth + k] : 0;
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

/// Lanes first..<end of a panel (0 ≤ first ≤ end ≤ 32) as a bit mask.
static inline uint32_t lanes(long first, long end) {
    if (end <= first) return 0;
    const uint64_t below_end = (end >= 32) ? 0xffffffffu : ((1ull << end) - 1);
    return (uint32_t)(below_end & ~((1ull << first) - 1));
}

/// Packs the depth rows k_begin..<k_end of the panel's columns, [k][32], straight from the input.
static KERNEL_TARGET void pack_columns(const ldm_convolution_shape *s, const float *input, const row_piece *pieces,
                                       int piece_count, long k_begin, long k_end, float *packed) {
    const long taps = s->kernel_height * s->kernel_width;
    const float *rows[PANEL_COLUMNS];
    long channel = k_begin / taps, i = (k_begin % taps) / s->kernel_width, j = k_begin % s->kernel_width;
    const __m512 zero = _mm512_setzero_ps();
    for (long k = k_begin; k < k_end; k++) {
        if (k == k_begin || j == 0) {
            for (int p = 0; p < piece_count; p++) {
                const long source_row = pieces[p].out_row + i - s->pad_top;
                rows[p] = (source_row < 0 || source_row >= s->height) ? NULL
                    : input + ((pieces[p].image * s->in_channels + channel) * s->height + source_row) * s->width;
                // The next output row will read the row below this one's last: fetch it ahead, since
                // with one plane per channel too many rows are in flight for the hardware prefetcher.
                const long next_row = source_row + 1;
                if (i == s->kernel_height - 1 && next_row >= 0 && next_row < s->height) {
                    const float *next = input + ((pieces[p].image * s->in_channels + channel) * s->height + next_row)
                        * s->width + pieces[p].out_column;
                    for (long c = 0; c < pieces[p].length + 16; c += 16) _mm_prefetch((const char *)(next + c), _MM_HINT_T0);
                }
            }
        }
        float *target = packed + (k - k_begin) * PANEL_COLUMNS;
        for (int p = 0; p < piece_count; p++) {
            const row_piece piece = pieces[p];
            const uint32_t place = lanes(piece.offset, piece.offset + piece.length);
            __m512 low = zero, high = zero;
            if (rows[p]) {
                // Lane offset + t holds input column out_column + t + j − pad_left, when inside the row.
                const long first_column = piece.out_column + j - s->pad_left;
                long first = -first_column, end = s->width - first_column;
                if (first < 0) first = 0;
                if (end > piece.length) end = piece.length;
                const uint32_t valid = lanes(piece.offset + first, piece.offset + end);
                const float *source = rows[p] + first_column - piece.offset;
                low = _mm512_maskz_loadu_ps((__mmask16)valid, source);
                high = _mm512_maskz_loadu_ps((__mmask16)(valid >> 16), source + 16);
            }
            _mm512_mask_storeu_ps(target, (__mmask16)place, low);
            _mm512_mask_storeu_ps(target + 16, (__mmask16)(place >> 16), high);
        }
        if (++j == s->kernel_width) {
            j = 0;
            if (++i == s->kernel_height) { i = 0; channel++; }
        }
    }
}

#define ROW_STEP(r)                                                                                                    \
    {                                                                                                                  \
        const __m512 w = _mm512_set1_ps(a[r]);                                                                         \
        c##r##0 = _mm512_fmadd_ps(w, b0, c##r##0);                                                                     \
        c##r##1 = _mm512_fmadd_ps(w, b1, c##r##1);                                                                     \
    }
#define LOAD_ROW(r)                                                                                                    \
    __m512 c##r##0 = accumulate ? _mm512_load_ps(tile + r * PANEL_COLUMNS) : _mm512_setzero_ps();                      \
    __m512 c##r##1 = accumulate ? _mm512_load_ps(tile + r * PANEL_COLUMNS + 16) : _mm512_setzero_ps();
#define STORE_ROW(r)                                                                                                   \
    _mm512_store_ps(tile + r * PANEL_COLUMNS, c##r##0);                                                                \
    _mm512_store_ps(tile + r * PANEL_COLUMNS + 16, c##r##1);

/// tile [8][32] (+)= a [depth][8]ᵀ · b [depth][32].
static inline KERNEL_TARGET void multiply_block(long depth, const float *a, const float *b, float *tile,
                                                bool accumulate) {
    LOAD_ROW(0) LOAD_ROW(1) LOAD_ROW(2) LOAD_ROW(3) LOAD_ROW(4) LOAD_ROW(5) LOAD_ROW(6) LOAD_ROW(7)
    for (long k = 0; k < depth; k++) {
        const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
        ROW_STEP(0) ROW_STEP(1) ROW_STEP(2) ROW_STEP(3) ROW_STEP(4) ROW_STEP(5) ROW_STEP(6) ROW_STEP(7)
        a += BLOCK_ROWS;
        b += PANEL_COLUMNS;
    }
    STORE_ROW(0) STORE_ROW(1) STORE_ROW(2) STORE_ROW(3) STORE_ROW(4) STORE_ROW(5) STORE_ROW(6) STORE_ROW(7)
}

/// Copies the panel's results [rows][32] into the output, image by image, adding the bias.
static KERNEL_TARGET void write_panel(const ldm_convolution_shape *s, const float *results, const float *bias,
                                      const row_piece *pieces, int piece_count, float *output) {
    const long spatial = s->out_height * s->out_width;
    for (int p = 0; p < piece_count;) {
        // Runs of the same image are contiguous in its output planes: one copy per image.
        const long image = pieces[p].image, offset = pieces[p].offset;
        const long position = pieces[p].out_row * s->out_width + pieces[p].out_column;
        long length = 0;
        for (; p < piece_count && pieces[p].image == image; p++) length += pieces[p].length;
        const uint32_t place = lanes(offset, offset + length);
        for (long row = 0; row < s->out_channels; row++) {
            const __m512 b = _mm512_set1_ps(bias ? bias[row] : 0);
            const float *source = results + row * PANEL_COLUMNS;
            float *target = output + (image * s->out_channels + row) * spatial + position - offset;
            _mm512_mask_storeu_ps(target, (__mmask16)place, _mm512_add_ps(_mm512_load_ps(source), b));
            _mm512_mask_storeu_ps(target + 16, (__mmask16)(place >> 16), _mm512_add_ps(_mm512_load_ps(source + 16), b));
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
