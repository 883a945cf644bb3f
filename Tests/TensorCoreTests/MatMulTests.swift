import TensorCore
import TestSupport
import XCTest

final class MatMulTests: XCTestCase {
    func testMatmulMatchesPyTorch() throws {
        let fixture = try Fixtures.load("movement")
        assertClose(try fixture.tensor("matmul.2d.a").matmul(try fixture.tensor("matmul.2d.b")),
                    try fixture.tensor("matmul.2d"))
        for transposingA in [false, true] {
            for transposingB in [false, true] {
                let name = "matmul.batched.\(transposingA ? "T" : "N")\(transposingB ? "T" : "N")"
                let product = Tensor.matmul(try fixture.tensor(name + ".a"), try fixture.tensor(name + ".b"),
                                            transposingA: transposingA, transposingB: transposingB)
                assertClose(product, try fixture.tensor(name), name)
            }
        }
        assertClose(Tensor.matmul(try fixture.tensor("matmul.bcastB.a"), try fixture.tensor("matmul.bcastB.b"),
                                  transposingB: true), try fixture.tensor("matmul.bcastB.NT"))
        assertClose(Tensor.matmul(try fixture.tensor("matmul.bcastA.a"), try fixture.tensor("matmul.bcastA.b"),
                                  transposingA: true), try fixture.tensor("matmul.bcastA.TN"))
    }

    func testLinearMatchesPyTorch() throws {
        let fixture = try Fixtures.load("movement")
        let x = try fixture.tensor("linear.x"), weight = try fixture.tensor("linear.weight")
        assertClose(linear(x, weight: weight, bias: try fixture.tensor("linear.bias")), try fixture.tensor("linear.biased"))
        assertClose(linear(x, weight: weight), try fixture.tensor("linear.unbiased"))
    }

    /// The fused bias and product by finite differences, over one and two leading axes and a lone row.
    func testLinearGradients() {
        var rng = SeededGenerator(seed: 9)
        for shape in [[3, 5], [2, 3, 5], [5]] {
            let x = Tensor.randomNormal(shape, using: &rng), weight = Tensor.randomNormal([4, 5], using: &rng)
            let bias = Tensor.randomNormal([4], using: &rng)
            checkGradients([x, weight, bias], "linear \(shape)") { linear($0[0], weight: $0[1], bias: $0[2]) }
            checkGradients([x, weight], "linear \(shape) without bias") { linear($0[0], weight: $0[1]) }
        }
    }

    func testMatmulGradients2D() {
        var rng = SeededGenerator(seed: 1)
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            let a = Tensor.randomNormal(ta ? [5, 3] : [3, 5], using: &rng)
            let b = Tensor.randomNormal(tb ? [2, 5] : [5, 2], using: &rng)
            checkGradients([a, b], "flags \(ta) \(tb)") { Tensor.matmul($0[0], $0[1], transposingA: ta, transposingB: tb) }
        }
    }

    func testMatmulGradientsBatched() {
        var rng = SeededGenerator(seed: 2)
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            let a = Tensor.randomNormal(ta ? [2, 3, 4] : [2, 4, 3], using: &rng)
            let b = Tensor.randomNormal(tb ? [2, 5, 3] : [2, 3, 5], using: &rng)
            checkGradients([a, b], "flags \(ta) \(tb)") { Tensor.matmul($0[0], $0[1], transposingA: ta, transposingB: tb) }
        }
    }

    /// One side 2-D and shared by the batch: its gradient sums over the batch.
    func testMatmulGradientsBroadcastOverBatch() {
        var rng = SeededGenerator(seed: 3)
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            let batchedA = Tensor.randomNormal(ta ? [2, 1, 3, 4] : [2, 1, 4, 3], using: &rng)
            let sharedB = Tensor.randomNormal(tb ? [5, 3] : [3, 5], using: &rng)
            checkGradients([batchedA, sharedB], "batched a, flags \(ta) \(tb)") {
                Tensor.matmul($0[0], $0[1], transposingA: ta, transposingB: tb)
            }
            let sharedA = Tensor.randomNormal(ta ? [3, 4] : [4, 3], using: &rng)
            let batchedB = Tensor.randomNormal(tb ? [3, 5, 3] : [3, 3, 5], using: &rng)
            checkGradients([sharedA, batchedB], "batched b, flags \(ta) \(tb)") {
                Tensor.matmul($0[0], $0[1], transposingA: ta, transposingB: tb)
            }
        }
    }

    /// One large item (BLAS's own threads), a few large and many small items run side by side,
    /// against a sum written out.
    func testLargeAndManySmallBatchesMatchNaiveProduct() {
        var rng = SeededGenerator(seed: 4)
        for shape in [(batch: 1, m: 64, k: 70, n: 66), (batch: 3, m: 64, k: 70, n: 66), (batch: 300, m: 8, k: 20, n: 9)] {
            let a = Tensor.randomNormal([shape.batch, shape.m, shape.k], using: &rng)
            let b = Tensor.randomNormal([shape.batch, shape.n, shape.k], using: &rng)
            let product = a.matmul(b, transposingB: true)
            let xs = a.scalars, ys = b.scalars
            var expected = [Float](repeating: 0, count: shape.batch * shape.m * shape.n)
            for item in 0..<shape.batch {
                for i in 0..<shape.m {
                    for j in 0..<shape.n {
                        var total: Double = 0
                        for l in 0..<shape.k {
                            total += Double(xs[(item * shape.m + i) * shape.k + l]) * Double(ys[(item * shape.n + j) * shape.k + l])
                        }
                        expected[(item * shape.m + i) * shape.n + j] = Float(total)
                    }
                }
            }
            assertClose(product, Tensor(shape: [shape.batch, shape.m, shape.n], scalars: expected), rtol: 1e-4, atol: 1e-4)
        }
    }

    /// A frozen side gets no gradient work; the other still gets its gradient.
    func testMatmulComputesOnlyWantedGradients() {
        let w = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]).asLeaf()
        let x = Tensor(shape: [1, 2], scalars: [5, 6])
        let g = gradients(of: x.matmul(w).sum(), wrt: [w])[0]
        assertClose(g, Tensor(shape: [2, 2], scalars: [5, 5, 6, 6]))
    }

    func testEmptyInnerAxisGivesZeros() {
        XCTAssertEqual(Tensor.zeros([2, 0]).matmul(Tensor.zeros([0, 3])).scalars, [Float](repeating: 0, count: 6))
    }
}
