import TensorCore
import TestSupport
import XCTest

final class ReductionTests: XCTestCase {
    func testMeanVarianceAndMaxMatchTorch() throws {
        let f = try ElementwiseFixture.load()
        let x = try f.tensor("reduce.x")
        assertClose(x.mean(alongAxes: [1, 3]), try f.tensor("mean.13"))
        assertClose(x.mean(alongAxes: [1, -1], keepingDims: true), try f.tensor("mean.13.keep"))
        assertClose(x.mean(), try f.tensor("mean.all"))
        assertClose(x.variance(alongAxes: [0, 2]), try f.tensor("var.02.biased"), rtol: 1e-4)
        assertClose(x.variance(alongAxes: [0, 2], keepingDims: true, unbiased: true),
                    try f.tensor("var.02.unbiased.keep"), rtol: 1e-4)
        assertClose(x.variance(alongAxes: [-1], unbiased: true), try f.tensor("var.last.unbiased"), rtol: 1e-4)
        assertClose(x.max(alongAxes: [1]), try f.tensor("max.1"))
        assertClose(x.max(alongAxes: [1, 2], keepingDims: true), try f.tensor("max.12.keep"))
        assertClose(x.max(alongAxes: [0, 3]), try f.tensor("max.03"))
        assertClose(x.max(alongAxes: [0, 1, 2, 3]), try f.tensor("max.all"))
    }

    func testMaxSendsTheGradientToTheFirstOfTiedMaxima() throws {
        let f = try ElementwiseFixture.load()
        try assertMatchesTorchCase("max.ties.1", inputs: ["x"], in: f) { $0[0].max(alongAxes: [1]) }
        try assertMatchesTorchCase("max.ties.02", inputs: ["x"], in: f) { $0[0].max(alongAxes: [0, 2]) }
    }

    func testMaxPropagatesNaNAndHandlesInfinities() {
        let x = Tensor(shape: [3, 3], scalars: [1, .nan, 5, -.infinity, -.infinity, -.infinity, 2, 7, .infinity])
        let rows = x.max(alongAxes: [1]).scalars
        XCTAssertTrue(rows[0].isNaN)
        XCTAssertEqual(Array(rows[1...]), [-.infinity, .infinity])
        XCTAssertTrue(x.max(alongAxes: [0]).scalars[1].isNaN)
    }

    func testReducingNoAxesReturnsTheInput() {
        let x = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        assertClose(x.mean(alongAxes: []), x)
        assertClose(x.max(alongAxes: []), x)
        assertClose(Tensor(3).mean(), Tensor(3))
    }

    func testMeanGradients() {
        var rng = SeededGenerator(seed: 31)
        let cases: [([Int], [Int])] = [([], []), ([7], [0]), ([3, 5], [-1]), ([2, 3, 5], [0, 2]),
                                       ([2, 3, 1, 3], [1, 2, 3])]
        for (shape, axes) in cases {
            let x = Tensor.randomNormal(shape, using: &rng)
            checkGradients([x], "mean \(shape) \(axes)") { $0[0].mean(alongAxes: axes) }
            checkGradients([x], "mean kept \(shape) \(axes)") { $0[0].mean(alongAxes: axes, keepingDims: true) }
            checkGradients([x], "mean all \(shape)") { $0[0].mean() }
        }
    }

    func testVarianceGradients() {
        var rng = SeededGenerator(seed: 32)
        let cases: [([Int], [Int])] = [([7], [0]), ([3, 5], [-1]), ([2, 3, 5], [0, 2]), ([2, 3, 1, 3], [1, 3])]
        for (shape, axes) in cases {
            let x = Tensor.randomNormal(shape, using: &rng)
            checkGradients([x], "variance \(shape) \(axes)") { $0[0].variance(alongAxes: axes) }
            checkGradients([x], "unbiased variance \(shape) \(axes)") {
                $0[0].variance(alongAxes: axes, keepingDims: true, unbiased: true)
            }
        }
    }

    func testMaxGradients() {
        var rng = SeededGenerator(seed: 33)
        let cases: [([Int], [Int])] = [([7], [0]), ([3, 5], [-1]), ([3, 5], [0]), ([2, 3, 5], [0, 2]),
                                       ([2, 3, 2, 3], [1, 2]), ([2, 3, 2, 3], [0, 1, 3]), ([2, 1, 3], [0, 1, 2])]
        for (shape, axes) in cases {
            let x = SafeInputs.distinct(shape, using: &rng)
            checkGradients([x], "max \(shape) \(axes)") { $0[0].max(alongAxes: axes) }
            checkGradients([x], "max kept \(shape) \(axes)") { $0[0].max(alongAxes: axes, keepingDims: true) }
        }
    }
}
