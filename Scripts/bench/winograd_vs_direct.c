// Times the Winograd kernel (F(4×4, 3×3) or F(2×2, 3×3), as the library picks) against the direct
// implicit-GEMM kernel (Sources/CConvolution) on one 3×3, stride-1, padding-1 layer, forward and weight
// gradient, alternating them repetition by repetition in one process, and prints their median speeds
// in direct-equivalent GFLOP/s (2·Cout·Cin·9 per output), the ratios and the largest differences
// between their results. Weights are packed or transformed once, outside the timing, as the caches do
// between calls. Built and run by winograd-vs-direct.sh.
//
//   winograd_vs_direct N Cin H Cout [REPETITIONS]
#include "implicit_gemm_convolution.h"
#include "winograd_convolution.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "timing.h"

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s N Cin H Cout [REPETITIONS]\n", argv[0]);
        return 2;
    }
    const long batch = atol(argv[1]), channels = atol(argv[2]), size = atol(argv[3]), outputs = atol(argv[4]);
    const int repetitions = argc > 5 ? atoi(argv[5]) : 21;
    const ldm_convolution_shape shape = {batch, channels, size, size, outputs, 3, 3, 1, 1, 1, size, size};
    const long columns = batch * size * size, count = outputs * columns;
    float *input = random_values(batch * channels * size * size), *weight = random_values(outputs * channels * 9);
    float *bias = random_values(outputs), *direct = malloc(sizeof(float) * count), *winograd = malloc(sizeof(float) * count);
    float *packed = aligned_alloc(64, sizeof(float) * ldm_convolution_packed_weight_count(shape) + 64);
    float *transformed = aligned_alloc(64, sizeof(float) * ldm_winograd_transformed_weight_count(shape) + 64);
    float *scratch = aligned_alloc(64, sizeof(float) * ldm_winograd_scratch_count(shape));
    ldm_convolution_pack_weight(shape, weight, packed);
    ldm_winograd_transform_weight(shape, weight, transformed, 0, ldm_winograd_weight_row_blocks(shape));
    const long weight_count = outputs * channels * 9;
    float *gradient = random_values(count), *direct_dw = malloc(sizeof(float) * weight_count);
    float *winograd_dw = malloc(sizeof(float) * weight_count);
    float *direct_scratch = aligned_alloc(64, sizeof(float) * ldm_convolution_weight_gradient_scratch_count(shape) + 64);
    float *gradient_scratch = aligned_alloc(64, sizeof(float) * ldm_winograd_weight_gradient_scratch_count(shape) + 64);
    // Seconds of the direct forward, Winograd forward, direct dW and Winograd dW, repetition by repetition.
    double *times[4];
    for (int kind = 0; kind < 4; kind++) times[kind] = malloc(sizeof(double) * repetitions);
    const int side = ldm_winograd_forward_tile_side(shape), gradient_side = ldm_winograd_weight_gradient_tile_side(shape);
    const long tiles = ldm_winograd_tile_count(shape, side), gradient_tiles = ldm_winograd_tile_count(shape, gradient_side);
    for (int r = 0; r < repetitions; r++) {
        double start = now();
        ldm_convolution_forward(shape, input, packed, bias, direct, 0, columns);
        times[0][r] = now() - start;
        start = now();
        ldm_winograd_forward(shape, input, transformed, bias, winograd, 0, tiles, scratch);
        times[1][r] = now() - start;
        start = now();
        ldm_convolution_weight_gradient(shape, input, gradient, direct_dw, 0, columns, direct_scratch);
        times[2][r] = now() - start;
        start = now();
        ldm_winograd_weight_gradient(shape, input, gradient, winograd_dw, 0, gradient_tiles, gradient_scratch);
        times[3][r] = now() - start;
    }
    double difference = 0, dw_difference = 0;
    for (long i = 0; i < count; i++) difference = fmax(difference, fabs(direct[i] - winograd[i]));
    for (long i = 0; i < weight_count; i++) dw_difference = fmax(dw_difference, fabs(direct_dw[i] - winograd_dw[i]));
    double median[4];
    for (int kind = 0; kind < 4; kind++) {
        qsort(times[kind], repetitions, sizeof(double), ascending);
        median[kind] = times[kind][repetitions / 2];
    }
    const double gflop = 2.0 * outputs * columns * channels * 9 / 1e9;
    printf("N %ld, Cin %ld, %ld², Cout %ld: forward direct %.0f GFLOP/s, Winograd (%ld tiles of %d×%d) %.0f, %.2f×; "
           "dW direct %.0f, Winograd (%ld of %d×%d) %.0f, %.2f×; largest differences %.1e, %.1e\n", batch, channels,
           size, outputs, gflop / median[0], tiles, side, side, gflop / median[1], median[0] / median[1],
           gflop / median[2], gradient_tiles, gradient_side, gradient_side, gflop / median[3], median[2] / median[3],
           difference, dw_difference);
    return 0;
}
