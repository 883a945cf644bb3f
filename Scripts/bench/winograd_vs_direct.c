// Times the Winograd F(2×2, 3×3) kernel against the direct implicit-GEMM kernel (Sources/CConvolution)
// on one 3×3, stride-1, padding-1 layer, alternating them repetition by repetition in one process, and
// prints their median speed in direct-equivalent GFLOP/s (2·Cout·Cin·9 per output), the ratio and the
// largest difference between their outputs. Weights are packed or transformed once, outside the timing,
// as the caches do between calls. Built and run by winograd-vs-direct.sh.
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
    ldm_winograd_transform_weight(shape, weight, transformed);
    double *times_direct = malloc(sizeof(double) * repetitions), *times_winograd = malloc(sizeof(double) * repetitions);
    for (int r = 0; r < repetitions; r++) {
        double start = now();
        ldm_convolution_forward(shape, input, packed, bias, direct, 0, columns);
        times_direct[r] = now() - start;
        start = now();
        ldm_winograd_forward(shape, input, transformed, bias, winograd, 0, ldm_winograd_tile_count(shape), scratch);
        times_winograd[r] = now() - start;
    }
    double difference = 0;
    for (long i = 0; i < count; i++) difference = fmax(difference, fabs(direct[i] - winograd[i]));
    qsort(times_direct, repetitions, sizeof(double), ascending);
    qsort(times_winograd, repetitions, sizeof(double), ascending);
    const double gflop = 2.0 * outputs * columns * channels * 9 / 1e9;
    const double median_direct = times_direct[repetitions / 2], median_winograd = times_winograd[repetitions / 2];
    printf("N %ld, Cin %ld, %ld², Cout %ld: direct %.0f GFLOP/s, Winograd %.0f, Winograd/direct %.2f×; "
           "largest difference %.1e\n", batch, channels, size, outputs, gflop / median_direct,
           gflop / median_winograd, median_direct / median_winograd, difference);
    return 0;
}
