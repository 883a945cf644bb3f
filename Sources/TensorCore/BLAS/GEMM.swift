import CConvolution
import COpenBLAS

/// C = alpha · op(A) · op(B) + beta · C on raw row-major buffers, the one entry point to BLAS.
///
/// `op(A)` is m×k and `op(B)` is k×n; transposes are BLAS flags, never copies. `lda`, `ldb`, `ldc`
/// default to the packed row strides.
///
/// The product runs on our kernel (`PackedGEMM`) or OpenBLAS's, each on one thread; a large product
/// is split here into two halves along the longer side of C, run by `parallelFor`. The cut is at a
/// multiple of 64 rows or columns, fixed by the shape, so the result is the same for any number of
/// threads; on our kernel each value is also summed the same way whatever else is in the product (an
/// image's rows are the same in a batch of 3 as in a batch of 4). OpenBLAS's own threads cut by size,
/// and its Haswell kernel then summed rows near a cut differently.
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
    let usesPackedGEMM = PackedGEMM.isEnabled
    func multiply(rows: Range<Int>, columns: Range<Int>) {
        // Row r of op(A) starts at a + r·lda, or at a + r when A is stored transposed; column j of
        // op(B) at b + j, or b + j·ldb.
        let a = a + rows.lowerBound * (transposingA ? 1 : lda), b = b + columns.lowerBound * (transposingB ? ldb : 1)
        let c = c + rows.lowerBound * ldc + columns.lowerBound
        if usesPackedGEMM {
            let scratch = TensorStorage(uninitializedCount: ldm_gemm_scratch_count(rows.count, columns.count, k))
            withExtendedLifetime(scratch) {
                ldm_gemm(transposingA, transposingB, rows.count, columns.count, k, alpha, a, lda, b, ldb, beta, c, ldc,
                         scratch.pointer)
            }
            return
        }
        BLAS.library.sgemm(
            CblasRowMajor, transposingA ? CblasTrans : CblasNoTrans, transposingB ? CblasTrans : CblasNoTrans,
            Int32(rows.count), Int32(columns.count), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
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
    /// Halves start at a multiple of this, so that neither starts inside a register tile of the kernels
    /// (8 rows and 16-column vectors for ours) and the cut moves no row or column into an edge case.
    static let alignment = 64

    /// The start of the second half of a side of `length`, or nil to run the product whole.
    static func point(of length: Int, work: Int) -> Int? {
        guard work >= smallestSplitWork else { return nil }
        let half = (length + 1) / 2
        let point = (half + alignment - 1) / alignment * alignment
        return point < length ? point : nil
    }
}

/// Our own product kernel (CConvolution's `ldm_gemm`, the convolutions' 8×48 AVX-512 block) in place of
/// OpenBLAS's, where OpenBLAS runs a kernel without AVX-512 on a CPU that has it.
///
/// OpenBLAS picks its kernel family from `OPENBLAS_CORETYPE`, which machines may pin below the CPU
/// (AMD's Zen 5 here is pinned to "Haswell", AVX2, since older OpenBLAS builds fail on it). Our kernel
/// then runs 1.6–1.95× faster on the models' shapes (Scripts/gemm-vs-openblas.sh); against OpenBLAS's own
/// AVX-512 kernel (SkylakeX, Cooperlake, SapphireRapids) it is no faster, so that one is kept.
public enum PackedGEMM {
    /// OpenBLAS's kernel families with AVX-512 in its 0.3 releases.
    static let avx512KernelFamilies: Set<String> = ["skylakex", "cooperlake", "sapphirerapids"]

    /// Whether `gemm` uses our kernel: this CPU has AVX-512 and OpenBLAS's kernel does not.
    public static let isPreferred: Bool =
        ImplicitGEMM.isAvailable && !avx512KernelFamilies.contains(BLAS.coreName.lowercased())

    /// Use our kernel (the default where preferred); tests and `ldm-bench --openblas-gemm` switch it.
    public nonisolated(unsafe) static var isEnabled = isPreferred
}
