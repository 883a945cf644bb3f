import TensorCore
import TestSupport
import XCTest

final class DropoutTests: XCTestCase {
    func testSurvivorsAreScaledAndTheRateIsRight() {
        var rng = SeededGenerator(seed: 51)
        let y = Tensor.ones([10_000]).dropout(probability: 0.3, using: &rng).scalars
        let kept = y.filter { $0 != 0 }
        XCTAssertTrue(kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })
        // 7000 expected survivors, standard deviation √(10⁴·0.3·0.7) ≈ 46.
        XCTAssertEqual(Double(kept.count), 7000, accuracy: 200)
    }

    func testReproducibleFromTheGeneratorAndEdgeProbabilities() {
        var a = SeededGenerator(seed: 52), b = SeededGenerator(seed: 52)
        let x = Tensor.arange(50) + 1
        let first = x.dropout(probability: 0.5, using: &a).scalars
        XCTAssertEqual(first, x.dropout(probability: 0.5, using: &b).scalars)
        XCTAssertNotEqual(first, x.dropout(probability: 0.5, using: &a).scalars, "the generator moves on")
        var c = SeededGenerator(seed: 53)
        XCTAssertEqual(x.dropout(probability: 0, using: &c).scalars, x.scalars)
        XCTAssertEqual(c, SeededGenerator(seed: 53), "p = 0 draws nothing")
        XCTAssertEqual(x.dropout(probability: 1, using: &c).scalars, [Float](repeating: 0, count: 50))
    }

    func testGradientIsTheScaledMask() {
        var rng = SeededGenerator(seed: 54)
        let x = Tensor.randomNormal([3, 4], using: &rng).asLeaf()
        var maskGenerator = rng
        let y = x.dropout(probability: 0.25, using: &rng)
        let mask = Tensor.ones([3, 4]).dropout(probability: 0.25, using: &maskGenerator)
        assertClose(gradients(of: y.sum(), wrt: [x])[0], mask)
    }
}
