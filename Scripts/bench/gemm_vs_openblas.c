// Times our product kernel (ldm_gemm, Sources/CConvolution/packed_gemm.c) against OpenBLAS's sgemm on
// one m×n×k product, alternating them repetition by repetition in one process, and prints their
// median GFLOP/s, the ratio and the largest difference between their results. OpenBLAS runs the
// kernel OPENBLAS_CORETYPE names (or the one it detects). Built and run by gemm-vs-openblas.sh.
//
//   gemm_vs_openblas M N K TRANSPOSE_A TRANSPOSE_B [REPETITIONS]
#include "packed_gemm.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "timing.h"

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: %s M N K TRANSPOSE_A TRANSPOSE_B [REPETITIONS]\n", argv[0]);
        return 2;
    }
    const long m = atol(argv[1]), n = atol(argv[2]), k = atol(argv[3]);
    const bool transpose_a = atoi(argv[4]), transpose_b = atoi(argv[5]);
    const int repetitions = argc > 6 ? atoi(argv[6]) : 31;
    const long lda = transpose_a ? m : k, ldb = transpose_b ? k : n;
    float *a = random_values(m * k), *b = random_values(k * n);
    float *theirs = malloc(sizeof(float) * m * n), *ours = malloc(sizeof(float) * m * n);
    float *scratch = aligned_alloc(64, sizeof(float) * ldm_gemm_scratch_count(m, n, k) + 64);
    double *times[2];
    for (int kind = 0; kind < 2; kind++) times[kind] = malloc(sizeof(double) * repetitions);
    for (int r = 0; r < repetitions; r++) {
        double start = now();
        cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans,
                    m, n, k, 1, a, lda, b, ldb, 0, theirs, n);
        times[0][r] = now() - start;
        start = now();
        ldm_gemm(transpose_a, transpose_b, m, n, k, 1, a, lda, b, ldb, 0, ours, n, scratch);
        times[1][r] = now() - start;
    }
    double difference = 0;
    for (long i = 0; i < m * n; i++) difference = fmax(difference, fabs(theirs[i] - ours[i]));
    double median[2];
    for (int kind = 0; kind < 2; kind++) {
        qsort(times[kind], repetitions, sizeof(double), ascending);
        median[kind] = times[kind][repetitions / 2];
    }
    const double gflop = 2.0 * m * n * k / 1e9;
    printf("m %ld, n %ld, k %ld%s%s: OpenBLAS %.0f GFLOP/s, ours %.0f, %.2f×; largest difference %.1e\n", m, n, k,
           transpose_a ? ", Aᵀ" : "", transpose_b ? ", Bᵀ" : "", gflop / median[0], gflop / median[1],
           median[0] / median[1], difference);
    return 0;
}
