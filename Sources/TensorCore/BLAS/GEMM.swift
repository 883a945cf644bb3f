import COpenBLAS

/// C = alpha · op(A) · op(B) + beta · C on raw row-major buffers, the one entry point to BLAS.
///
/// `op(A)` is m×k and `op(B)` is k×n; transposes are BLAS flags, never copies. `lda`, `ldb`, `ldc`
/// default to the packed row strides.
@inline(__always)
public func gemm(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
    m: Int, n: Int, k: Int,
    transposingA: Bool = false, transposingB: Bool = false,
    alpha: Float = 1, beta: Float = 0,
    lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m=\(m) n=\(n) k=\(k)")
    if m == 0 || n == 0 { return }
    let lda = lda ?? (transposingA ? m : k)
    let ldb = ldb ?? (transposingB ? k : n)
    let ldc = ldc ?? n
    BLAS.library.sgemm(
        CblasRowMajor,
        transposingA ? CblasTrans : CblasNoTrans,
        transposingB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
