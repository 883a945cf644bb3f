/// Matrix products, 2-D and batched, all through `gemm`.
extension Tensor {
    /// op(a)·op(b), where op transposes the last two axes when its flag is set (a BLAS flag, never
    /// a copy).
    ///
    /// - 2-D: op(a) [M, K] · op(b) [K, N] → [M, N].
    /// - Batched: […, M, K] · […, K, N] → […, M, N] with equal leading (batch) axes, or with one side
    ///   2-D and shared by every item. [B, N, K]·[K, M] is a single gemm of B·N rows.
    ///
    /// The pullback is two more products with transpose flags: dop(a) = g·op(b)ᵀ, dop(b) = op(a)ᵀ·g,
    /// summed over the batch for a shared 2-D side.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposingA: Bool = false, transposingB: Bool = false) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul: needs rank ≥ 2, got shapes \(a.shape) and \(b.shape)")
        let batchShape: [Int]
        if a.rank == 2 {
            batchShape = Array(b.shape.dropLast(2))
        } else {
            batchShape = Array(a.shape.dropLast(2))
            precondition(b.rank == 2 || Array(b.shape.dropLast(2)) == batchShape,
                         "matmul: batch axes of \(a.shape) and \(b.shape) differ")
        }
        let (_, innerA) = matrixExtents(a, transposed: transposingA)
        let (innerB, _) = matrixExtents(b, transposed: transposingB)
        precondition(innerA == innerB, "matmul: inner extents differ: \(a.shape)\(transposingA ? "ᵀ" : "") · "
                     + "\(b.shape)\(transposingB ? "ᵀ" : "")")

        let result = batchedProduct(a, transposingA, b, transposingB, batchShape: batchShape, summingBatch: false)
        return result.recorded("matmul", inputs: [a, b]) { g, wanted in
            // A 2-D side shared by a batch gets the sum of its per-item gradients.
            let sumA = a.rank == 2 && b.rank > 2, sumB = b.rank == 2 && a.rank > 2
            let da: Tensor? = !wanted[0] ? nil : transposingA
                ? batchedProduct(b, transposingB, g, true, batchShape: batchShape, summingBatch: sumA)
                : batchedProduct(g, false, b, !transposingB, batchShape: batchShape, summingBatch: sumA)
            let db: Tensor? = !wanted[1] ? nil : transposingB
                ? batchedProduct(g, true, a, transposingA, batchShape: batchShape, summingBatch: sumB)
                : batchedProduct(a, !transposingA, g, false, batchShape: batchShape, summingBatch: sumB)
            return [da, db]
        }
    }

    /// `Tensor.matmul(self, other, …)`.
    public func matmul(_ other: Tensor, transposingA: Bool = false, transposingB: Bool = false) -> Tensor {
        Tensor.matmul(self, other, transposingA: transposingA, transposingB: transposingB)
    }

    /// The (rows, columns) of op(x) for the matrices in the last two axes of `x`.
    private static func matrixExtents(_ x: Tensor, transposed: Bool) -> (rows: Int, columns: Int) {
        let rows = x.shape[x.rank - 2], columns = x.shape[x.rank - 1]
        return transposed ? (columns, rows) : (rows, columns)
    }

    /// op(x)·op(y) for every item of `batchShape` (no graph node); a 2-D operand is shared by all
    /// items. With `summingBatch` the result is the sum of the item products, [M, N]; otherwise it
    /// is batchShape + [M, N].
    private static func batchedProduct(_ x: Tensor, _ transposingX: Bool, _ y: Tensor, _ transposingY: Bool,
                                       batchShape: [Int], summingBatch: Bool) -> Tensor {
        let (m, k) = matrixExtents(x, transposed: transposingX)
        let (_, n) = matrixExtents(y, transposed: transposingY)
        let batch = shapeCount(batchShape)
        let sharedX = x.rank == 2, sharedY = y.rank == 2
        return Tensor(shape: (summingBatch ? [] : batchShape) + [m, n]) { out in
            x.withUnsafeScalars { xs in
                y.withUnsafeScalars { ys in
                    let px = xs.baseAddress!, py = ys.baseAddress!, pc = out.baseAddress!
                    if k == 0 || batch == 0 {
                        out.initialize(repeating: 0)
                    } else if summingBatch {
                        sumOfProducts(px, transposingX, py, transposingY, pc, batch: batch, m: m, n: n, k: k)
                    } else if sharedY && !transposingX {
                        // The items of x are consecutive rows of one tall matrix.
                        gemm(px, py, pc, m: batch * m, n: n, k: k, transposingB: transposingY)
                    } else {
                        let xStride = sharedX ? 0 : m * k, yStride = sharedY ? 0 : k * n
                        let multiply = { (item: Int) in
                            gemm(px + item * xStride, py + item * yStride, pc + item * m * n, m: m, n: n, k: k,
                                 transposingA: transposingX, transposingB: transposingY)
                        }
                        if batch < ComputeSettings.threadCount && m * n * k >= largeProductSize {
                            // Fewer large items than threads: in turn, each one using every BLAS thread.
                            for item in 0..<batch { multiply(item) }
                        } else {
                            // Items side by side, BLAS single-threaded in each (robust when the cores
                            // are shared: OpenBLAS's own threads spin and degrade). Each item is one
                            // gemm call either way, so the schedule does not change the result.
                            let chunkCount = min(batch, Swift.max(1, batch * m * n * k / (largeProductSize / 4)))
                            parallelFor(chunkCount) { chunk in
                                for item in chunkRange(chunk, of: chunkCount, items: batch) { multiply(item) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Items of at least this many multiply–adds (64³) are worth BLAS's own threads.
    private static let largeProductSize = 1 << 18

    /// C = Σᵢ op(xᵢ)·op(yᵢ) over `batch` items of packed batched x and y, into `c` [m, n].
    ///
    /// When x is transposed and y is not, the items stack along the contracted axis and the sum
    /// is a single gemm with k·batch; otherwise the items accumulate in turn (beta 1).
    private static func sumOfProducts(_ x: UnsafePointer<Float>, _ transposingX: Bool,
                                      _ y: UnsafePointer<Float>, _ transposingY: Bool,
                                      _ c: UnsafeMutablePointer<Float>, batch: Int, m: Int, n: Int, k: Int) {
        if transposingX && !transposingY {
            gemm(x, y, c, m: m, n: n, k: batch * k, transposingA: true)
            return
        }
        for item in 0..<batch {
            gemm(x + item * m * k, y + item * k * n, c, m: m, n: n, k: k,
                 transposingA: transposingX, transposingB: transposingY, beta: item == 0 ? 0 : 1)
        }
    }
}
