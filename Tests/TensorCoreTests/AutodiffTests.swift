import TensorCore
import TestSupport
import XCTest

final class AutodiffTests: XCTestCase {
    func testFanOutSumsCotangents() {
        // f(x) = x·x + x  ⇒  f'(x) = 2x + 1.
        let x = Tensor(shape: [3], scalars: [1, -2, 0.5]).asLeaf()
        let y = (x * x + x).sum()
        let (g) = gradients(of: y, wrt: [x])[0]
        assertClose(g, Tensor(shape: [3], scalars: [3, -3, 2]))
    }

    func testBroadcastingArithmeticGradients() {
        var rng = SeededGenerator(seed: 1)
        let a = Tensor.randomNormal([2, 3, 4], using: &rng)
        let b = Tensor.randomNormal([3, 1], using: &rng)
        let c = Tensor.randomUniform([4], low: 0.5, high: 2, using: &rng)
        checkGradients([a, b, c]) { v in (v[0] + v[1]) * v[0] / v[2] - v[1] }
    }

    func testSumAlongAxesValuesAndGradient() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        assertClose(x.sum(alongAxes: [0]), Tensor(shape: [3], scalars: [5, 7, 9]))
        assertClose(x.sum(alongAxes: [1], keepingDims: true), Tensor(shape: [2, 1], scalars: [6, 15]))
        assertClose(x.sum(), Tensor(21))
        var rng = SeededGenerator(seed: 2)
        checkGradients([Tensor.randomNormal([3, 5, 2], using: &rng)]) { $0[0].sum(alongAxes: [0, 2]) * $0[0].sum(alongAxes: [-1], keepingDims: true).sum(alongAxes: [0]) }
    }

    func testWithoutGradientsRecordsNothing() {
        let x = Tensor.ones([2]).asLeaf()
        XCTAssertFalse(withoutGradients { x * x }.isDifferentiable)
        XCTAssertTrue((x * x).isDifferentiable)
        XCTAssertFalse((x.detached() * 2).isDifferentiable)
    }

    func testTwoBackwardPassesOverOneForward() {
        let w = Tensor(shape: [2], scalars: [1, 2]).asLeaf()
        let h = w * 3
        let a = (h * h).sum(), b = h.sum()
        let ga = gradients(of: a, wrt: [w], retainingGraph: true)[0]
        let gb = gradients(of: b, wrt: [w])[0]
        assertClose(ga, Tensor(shape: [2], scalars: [18, 36]))
        assertClose(gb, Tensor(shape: [2], scalars: [3, 3]))
    }
}
