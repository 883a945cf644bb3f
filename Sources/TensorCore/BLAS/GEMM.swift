import COpenBLAS

/// C = alpha · op(A) · op(B) + beta · C on raw row-major buffers, the one entry point to BLAS.
///
/// `op(A)` is m×k and `op(B)` is k×n; transposes are BLAS flags, never copies. `lda`, `ldb`, `ldc`
/// default to the packed row strides.
///
/// OpenBLAS itself always runs on one thread; a large product is split here, into two halves along
/// its longer side of C, run by `parallelFor`. The split is at a multiple of 64 rows or columns and
/// depends on the shape alone, so each value of C is summed the same way whatever the threads and
/// whatever else is in the product: an image's rows give the same values in a batch of 3 as in a
/// batch of 4. OpenBLAS's own threads split by size, and its Haswell kernel sums rows near a split
/// differently (the latents of one image then depended on its batch).
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
    func multiply(rows: Range<Int>, columns: Range<Int>) {
        // Row r of op(A) starts at a + r·lda, or at a + r when A is stored transposed; column j of
        // op(B) at b + j, or b + j·ldb.
        BLAS.library.sgemm(
            CblasRowMajor,
            transposingA ? CblasTrans : CblasNoTrans,
            transposingB ? CblasTrans : CblasNoTrans,
            Int32(rows.count), Int32(columns.count), Int32(k), alpha,
            a + rows.lowerBound * (transposingA ? 1 : lda), Int32(lda),
            b + columns.lowerBound * (transposingB ? ldb : 1), Int32(ldb), beta,
            c + rows.lowerBound * ldc + columns.lowerBound, Int32(ldc))
    }
    let splitsRows = m >= n
    let split = GEMMSplit.point(of: splitsRows ? m : n, work: m * n * k)
    guard let split else { return multiply(rows: 0..<m, columns: 0..<n) }
    parallelFor(2) { half in
        let part = half == 0 ? 0..<split : split..<(splitsRows ? m : n)
        if splitsRows { multiply(rows: part, columns: 0..<n) } else { multiply(rows: 0..<m, columns: part) }
    }
}

/// Where a product is cut in two for the threads.
enum GEMMSplit {
    /// Products of fewer multiply-adds run whole: about 10 µs on one core, the cost of waking a thread.
    static let smallestSplitWork = 1 << 20
    /// Halves start at a multiple of this: whole blocks of OpenBLAS's kernels (16 rows for Haswell and
    /// SkylakeX), so no row or column moves into a kernel's edge case because of the cut.
    static let alignment = 64

    /// The start of the second half of a side of `length`, or nil to run the product whole.
    static func point(of length: Int, work: Int) -> Int? {
        guard work >= smallestSplitWork else { return nil }
        let half = (length + 1) / 2
        let point = (half + alignment - 1) / alignment * alignment
        return point < length ? point : nil
    }
}
