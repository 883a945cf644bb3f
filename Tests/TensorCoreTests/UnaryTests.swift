import Foundation
import TensorCore
import TestSupport
import XCTest

final class UnaryTests: XCTestCase {
    /// Shapes from rank 0 to rank 4 with odd extents.
    let shapes: [[Int]] = [[], [7], [3, 5], [2, 1, 3], [2, 3, 1, 3]]

    func testValuesMatchTorch() throws {
        let f = try ElementwiseFixture.load()
        let x = try f.tensor("unary.x"), positive = try f.tensor("unary.positive"), tiny = try f.tensor("unary.tiny")
        assertClose(x.exp(), try f.tensor("exp"))
        assertClose(positive.log(), try f.tensor("log"))
        assertClose(positive.log1p(), try f.tensor("log1p.positive"))
        // Relative accuracy for arguments far below the Float spacing of 1.
        assertClose(tiny.log1p(), try f.tensor("log1p.tiny"), atol: 0)
        assertClose(positive.squareRoot(), try f.tensor("sqrt"))
        assertClose(positive.rsqrt(), try f.tensor("rsqrt"))
        for (name, exponent) in [("2", 2), ("3", 3), ("0.5", 0.5), ("-1.5", -1.5)] as [(String, Float)] {
            assertClose(positive.pow(exponent), try f.tensor("pow.positive.\(name)"), "pow \(name)")
        }
        assertClose(x.pow(3), try f.tensor("pow.x.3"), "negative bases")
        assertClose(x.pow(2), try f.tensor("pow.x.2"), "negative bases")
        assertClose(x.abs(), try f.tensor("abs"))
        assertClose(x.erf(), try f.tensor("erf"))
    }

    func testExpIsAccurateOverTheWholeFloatRange() {
        // 200 001 points from −110 to 95: subnormal results, underflow to 0 and overflow to ∞ included.
        let x = Tensor(shape: [200_001], scalars: (0...200_000).map { -110 + Float($0) * 0.001025 })
        let y = x.exp().scalars
        var worstUlps: Double = 0
        for (input, value) in zip(x.scalars, y) {
            let exact = Foundation.exp(Double(input)), rounded = Float(exact)
            if !rounded.isFinite || rounded == 0 {
                XCTAssertEqual(value, rounded, "exp(\(input))")
                continue
            }
            worstUlps = Swift.max(worstUlps, Swift.abs(Double(value) - exact) / Double(rounded.ulp))
        }
        XCTAssertLessThan(worstUlps, 1.5, "worst error of exp in units in the last place")
        let specials = Tensor(shape: [4], scalars: [0, .infinity, -.infinity, .nan]).exp().scalars
        XCTAssertEqual(Array(specials.prefix(3)), [1, .infinity, 0])
        XCTAssertTrue(specials[3].isNaN)
    }

    func testErfIsAccurateEverywhere() {
        // 200 001 points from −6 to 6, both polynomial pieces and their junction at ±0.8 included.
        let x = Tensor(shape: [200_001], scalars: (0...200_000).map { -6 + Float($0) * 0.00006 })
        var worstUlps: Double = 0, worstInput: Float = 0
        for (input, value) in zip(x.scalars, x.erf().scalars) {
            let exact = Foundation.erf(Double(input))
            let ulps = Swift.abs(Double(value) - exact) / Double(Float(exact).ulp)
            if ulps > worstUlps { (worstUlps, worstInput) = (ulps, input) }
        }
        XCTAssertLessThan(worstUlps, 3, "worst error of erf in units in the last place, at \(worstInput)")
        let specials = Tensor(shape: [5], scalars: [0, 1e-30, .infinity, -.infinity, .nan]).erf().scalars
        XCTAssertEqual(Array(specials.prefix(4)), [0, Float(1e-30 * 2 / Double.pi.squareRoot()), 1, -1])
        XCTAssertTrue(specials[4].isNaN)
    }

    func testSigmoidAndTanhMatchTorchAtLargeMagnitudes() throws {
        let f = try ElementwiseFixture.load()
        // atol 0: sigmoid(−30) ≈ 9.4e−14 must be right relative to its size, not just ≈ 0.
        try assertMatchesTorchCase("sigmoid", inputs: ["x"], in: f, atol: 0) { $0[0].sigmoid() }
        try assertMatchesTorchCase("tanh", inputs: ["x"], in: f) { $0[0].tanh() }
    }

    func testSaturatedSigmoidHasFiniteGradient() {
        let x = Tensor(shape: [4], scalars: [-1000, -100, 100, 1000]).asLeaf()
        let g = gradients(of: x.sigmoid().sum(), wrt: [x])[0]
        XCTAssertTrue(g.scalars.allSatisfy(\.isFinite), "\(g)")
    }

    func testAbsGradientIsZeroAtZero() throws {
        try assertMatchesTorchCase("abs.kink", inputs: ["x"], in: try ElementwiseFixture.load()) { $0[0].abs() }
    }

    func testPowWithZeroExponentHasZeroGradient() {
        let x = Tensor(shape: [3], scalars: [0, 2, -1]).asLeaf()
        assertClose(x.pow(0), Tensor.ones([3]))
        assertClose(gradients(of: x.pow(0).sum(), wrt: [x])[0], Tensor.zeros([3]))
    }

    func testGradientsOnAnyReal() {
        var rng = SeededGenerator(seed: 11)
        for shape in shapes {
            let x = Tensor.randomNormal(shape, using: &rng)
            checkGradients([x], "exp \(shape)") { $0[0].exp() }
            checkGradients([x], "erf \(shape)") { $0[0].erf() }
            checkGradients([x * 3], "sigmoid \(shape)") { $0[0].sigmoid() }
            checkGradients([x], "tanh \(shape)") { $0[0].tanh() }
            checkGradients([x], "pow 3 \(shape)") { $0[0].pow(3) }
            checkGradients([SafeInputs.normal(shape, using: &rng)], "abs \(shape)") { $0[0].abs() }
        }
    }

    func testGradientsOnPositiveInputs() {
        var rng = SeededGenerator(seed: 12)
        for shape in shapes {
            let x = SafeInputs.uniform(shape, 0.5, 3, using: &rng)
            checkGradients([x], "log \(shape)") { $0[0].log() }
            checkGradients([x - 0.9], "log1p \(shape)") { $0[0].log1p() }
            checkGradients([x], "sqrt \(shape)") { $0[0].squareRoot() }
            checkGradients([x], "rsqrt \(shape)") { $0[0].rsqrt() }
            checkGradients([x], "pow 0.5 \(shape)") { $0[0].pow(0.5) }
            checkGradients([x], "pow −1.5 \(shape)") { $0[0].pow(-1.5) }
        }
    }
}
