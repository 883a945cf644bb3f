// Times two builds of the implicit-GEMM convolution kernel (Sources/CConvolution) in one process,
// alternating them repetition by repetition, and prints their median GFLOP/s and the ratio B/A.
// These machines vary by 20–60 % from minute to minute; alternating within one process is what
// makes a 5 % difference visible. Built and run by convolution-kernel-ab.sh, which renames each
// build's entry points with A_/B_ prefixes.
//
//   convolution_kernel_ab N Cin H Cout K [STRIDE] [REPETITIONS]
#include "implicit_gemm_convolution.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "timing.h"

#define BUILD(P)                                                                                                       \
    size_t P##_count(ldm_convolution_shape);                                                                           \
    void P##_pack(ldm_convolution_shape, const float *, float *);                                                       \
    void P##_forward(ldm_convolution_shape, const float *, const float *, const float *, float *, long, long);
BUILD(A)
BUILD(B)

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: %s N Cin H Cout K [STRIDE] [REPETITIONS]\n", argv[0]);
        return 2;
    }
    const long batch = atol(argv[1]), channels = atol(argv[2]), size = atol(argv[3]), outputs = atol(argv[4]);
    const long kernel = atol(argv[5]), stride = argc > 6 ? atol(argv[6]) : 1;
    const int repetitions = argc > 7 ? atoi(argv[7]) : 21;
    const long pad = kernel / 2, out_size = (size + 2 * pad - kernel) / stride + 1;
    const ldm_convolution_shape shape = {batch, channels, size, size, outputs, kernel, kernel,
                                         stride, pad, pad, out_size, out_size};
    const long columns = batch * out_size * out_size, depth = channels * kernel * kernel;
    float *input = random_values(batch * channels * size * size), *weight = random_values(outputs * depth);
    float *bias = random_values(outputs);
    float *output_a = malloc(sizeof(float) * outputs * columns), *output_b = malloc(sizeof(float) * outputs * columns);
    float *packed_a = aligned_alloc(64, sizeof(float) * A_count(shape) + 64);
    float *packed_b = aligned_alloc(64, sizeof(float) * B_count(shape) + 64);
    double *times_a = malloc(sizeof(double) * repetitions), *times_b = malloc(sizeof(double) * repetitions);
    for (int r = 0; r < repetitions; r++) {
        double start = now();
        A_pack(shape, weight, packed_a);
        A_forward(shape, input, packed_a, bias, output_a, 0, columns);
        times_a[r] = now() - start;
        start = now();
        B_pack(shape, weight, packed_b);
        B_forward(shape, input, packed_b, bias, output_b, 0, columns);
        times_b[r] = now() - start;
    }
    double difference = 0;
    for (long i = 0; i < outputs * columns; i++) difference = fmax(difference, fabs(output_a[i] - output_b[i]));
    qsort(times_a, repetitions, sizeof(double), ascending);
    qsort(times_b, repetitions, sizeof(double), ascending);
    const double gflop = 2.0 * outputs * columns * depth / 1e9;
    const double median_a = times_a[repetitions / 2], median_b = times_b[repetitions / 2];
    printf("N %ld, Cin %ld, %ld², Cout %ld, %ld×%ld, stride %ld: A %.0f GFLOP/s, B %.0f GFLOP/s, B/A %.3f; "
           "largest difference %.1e\n", batch, channels, size, outputs, kernel, kernel, stride,
           gflop / median_a, gflop / median_b, median_a / median_b, difference);
    return 0;
}
