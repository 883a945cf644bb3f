import TensorCore
import TestSupport
import XCTest

/// `gemm` on both kernels, our packed one and OpenBLAS's, against sums in Double.
final class GEMMTests: XCTestCase {
    private var packedWasEnabled = false

    override func setUp() { packedWasEnabled = PackedGEMM.isEnabled }
    override func tearDown() { PackedGEMM.isEnabled = packedWasEnabled }

    /// Both kernels give C = alpha·op(A)·op(B) + beta·C within Float32 rounding of the terms' sum, for
    /// every transpose, padded leading dimensions, beta 0 and not, and sizes around the 8×48 block
    /// and the 64-row split: a single value, short rows and panels, a depth of 0, wide and tall products.
    func testBothKernelsMatchASumInDouble() throws {
        var rng = SeededGenerator(seed: 41)
        let shapes = [(1, 1, 1), (7, 5, 3), (8, 48, 128), (9, 49, 129), (37, 29, 71), (3, 200, 0), (130, 100, 17),
                      (300, 20, 64), (20, 300, 64)]
        for packed in kernels() {
            PackedGEMM.isEnabled = packed
            for (m, n, k) in shapes {
                for (transposingA, transposingB) in [(false, false), (true, false), (false, true), (true, true)] {
                    for beta: Float in [0, 0.25] {
                        let label = "packed \(packed), m \(m) n \(n) k \(k), tA \(transposingA) tB \(transposingB), beta \(beta)"
                        let lda = (transposingA ? m : k) + 3, ldb = (transposingB ? k : n) + 5, ldc = n + 2
                        let a = (0..<(transposingA ? k : m) * lda).map { _ in Float.random(in: -1...1, using: &rng) }
                        let b = (0..<(transposingB ? n : k) * ldb).map { _ in Float.random(in: -1...1, using: &rng) }
                        let c0 = (0..<m * ldc).map { _ in Float.random(in: -1...1, using: &rng) }
                        var c = c0
                        a.withUnsafeBufferPointer { a in
                            b.withUnsafeBufferPointer { b in
                                c.withUnsafeMutableBufferPointer { c in
                                    gemm(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: m, n: n, k: k,
                                         transposingA: transposingA, transposingB: transposingB, alpha: 0.5, beta: beta,
                                         lda: lda, ldb: ldb, ldc: ldc)
                                }
                            }
                        }
                        for i in 0..<m {
                            for j in 0..<ldc {
                                let index = i * ldc + j
                                guard j < n else {
                                    XCTAssertEqual(c[index], c0[index], "\(label): padding of C written at (\(i), \(j))")
                                    continue
                                }
                                var sum = 0.0, magnitude = 0.0
                                for p in 0..<k {
                                    let term = Double(transposingA ? a[p * lda + i] : a[i * lda + p])
                                        * Double(transposingB ? b[j * ldb + p] : b[p * ldb + j])
                                    sum += term
                                    magnitude += abs(term)
                                }
                                let expected = 0.5 * sum + Double(beta) * Double(c0[index])
                                XCTAssertEqual(Double(c[index]), expected, accuracy: 1e-6 * (magnitude + 1),
                                               "\(label) at (\(i), \(j))")
                            }
                        }
                    }
                }
            }
        }
    }

    /// With beta 0, C is written, never read: NaNs in it do not reach the result.
    func testBetaZeroDoesNotReadC() {
        for packed in kernels() {
            PackedGEMM.isEnabled = packed
            let a = [Float](repeating: 1, count: 12 * 5), b = [Float](repeating: 2, count: 5 * 50)
            var c = [Float](repeating: .nan, count: 12 * 50)
            gemm(a, b, &c, m: 12, n: 50, k: 5)
            XCTAssertEqual(c, [Float](repeating: 10, count: 12 * 50), "packed \(packed)")
        }
    }

    /// On our kernel the rows of an image's tokens come out the same, to the bit, in a product of 3 images
    /// as in one of 4, wherever the threads cut it: what makes an image's latents independent of its
    /// batch. (OpenBLAS's Haswell kernel sums some row counts differently, even on one thread.)
    func testRowsAreTheSameInAnyBatch() throws {
        try XCTSkipUnless(ImplicitGEMM.isAvailable, "this CPU has no AVX-512")
        var rng = SeededGenerator(seed: 42)
        let (tokens, k, n) = (256, 64, 96)
        let a = (0..<4 * tokens * k).map { _ in Float.random(in: -1...1, using: &rng) }
        let b = (0..<k * n).map { _ in Float.random(in: -1...1, using: &rng) }
        PackedGEMM.isEnabled = true
        do {
            var three = [Float](repeating: 0, count: 3 * tokens * n), four = [Float](repeating: 0, count: 4 * tokens * n)
            gemm(a, b, &three, m: 3 * tokens, n: n, k: k)
            gemm(a, b, &four, m: 4 * tokens, n: n, k: k)
            XCTAssertEqual(three, Array(four[..<(3 * tokens * n)]))
        }
    }

    /// A product large enough to be split gives the same bits on one thread as on two, on both kernels.
    func testResultsDoNotDependOnTheThreadCount() {
        var rng = SeededGenerator(seed: 43)
        let (m, n, k) = (300, 200, 64)
        let a = (0..<m * k).map { _ in Float.random(in: -1...1, using: &rng) }
        let b = (0..<k * n).map { _ in Float.random(in: -1...1, using: &rng) }
        let threads = ComputeSettings.threadCount
        defer { ComputeSettings.threadCount = threads }
        for packed in kernels() {
            PackedGEMM.isEnabled = packed
            var results: [[Float]] = []
            for count in [1, 2] {
                ComputeSettings.threadCount = count
                var c = [Float](repeating: 0, count: m * n)
                gemm(a, b, &c, m: m, n: n, k: k)
                results.append(c)
            }
            XCTAssertEqual(results[0], results[1], "packed \(packed)")
        }
    }

    /// OpenBLAS's kernel, and ours where this CPU has AVX-512.
    private func kernels() -> [Bool] { ImplicitGEMM.isAvailable ? [false, true] : [false] }
}
