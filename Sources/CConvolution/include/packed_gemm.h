#ifndef LDM_PACKED_GEMM_H
#define LDM_PACKED_GEMM_H

#include <stdbool.h>
#include <stddef.h>

/// Floats of the scratch memory `ldm_gemm` needs for an m×n×k product (64-byte aligned).
size_t ldm_gemm_scratch_count(long m, long n, long k);

/// C = alpha · op(A) · op(B) + beta · C, row-major, op(A) m×k (A stored k×m when `transpose_a`), op(B)
/// k×n (B stored n×k when `transpose_b`), on the convolution kernels' 8×48 AVX-512 block: for CPUs
/// with AVX-512 whose OpenBLAS kernel lacks it. Single-threaded; C is not read when beta is 0. Each
/// value of C is summed over k in order, whatever m and n.
void ldm_gemm(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha, const float *a, long lda,
              const float *b, long ldb, float beta, float *c, long ldc, float *scratch);

#endif
