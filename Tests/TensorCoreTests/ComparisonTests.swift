import TensorCore
import TestSupport
import XCTest

final class ComparisonTests: XCTestCase {
    func testMasksMatchTorch() throws {
        let f = try ElementwiseFixture.load()
        let x = try f.tensor("compare.x"), y = try f.tensor("compare.y")
        assertClose(x.greater(than: 0.3), try f.tensor("compare.greater.0.3"))
        assertClose(x.less(than: 0.3), try f.tensor("compare.less.0.3"))
        assertClose(x.greater(than: y), try f.tensor("compare.greater.y"), "broadcast")
        assertClose(x.less(than: y), try f.tensor("compare.less.y"), "broadcast")
    }

    func testMasksAreConstants() {
        let x = Tensor(shape: [2], scalars: [1, -1]).asLeaf()
        XCTAssertFalse(x.greater(than: 0).isDifferentiable)
        XCTAssertFalse(x.less(than: x * 2).isDifferentiable)
    }

    func testMaximumAndMinimumMatchTorchIncludingTies() throws {
        let f = try ElementwiseFixture.load()
        try assertMatchesTorchCase("maximum", inputs: ["a", "b"], in: f) { Tensor.maximum($0[0], $0[1]) }
        try assertMatchesTorchCase("minimum", inputs: ["a", "b"], in: f) { Tensor.minimum($0[0], $0[1]) }
    }

    func testMaximumAndMinimumPropagateNaN() {
        let a = Tensor(shape: [2], scalars: [.nan, 1]), b = Tensor(shape: [2], scalars: [0, .nan])
        XCTAssertTrue(Tensor.maximum(a, b).scalars.allSatisfy(\.isNaN))
        XCTAssertTrue(Tensor.minimum(a, b).scalars.allSatisfy(\.isNaN))
    }

    func testClampMatchesTorchAtTheBounds() throws {
        let f = try ElementwiseFixture.load()
        try assertMatchesTorchCase("clamp.both", inputs: ["x"], in: f) { $0[0].clamped(min: -1, max: 1) }
        try assertMatchesTorchCase("clamp.min", inputs: ["x"], in: f) { $0[0].clamped(min: -1) }
        try assertMatchesTorchCase("clamp.max", inputs: ["x"], in: f) { $0[0].clamped(max: 1) }
    }

    func testWhereMatchesTorchWithBroadcasting() throws {
        let f = try ElementwiseFixture.load()
        let mask = try f.tensor("where.mask")
        try assertMatchesTorchCase("where", inputs: ["a", "b"], in: f) { Tensor.where(mask, $0[0], $0[1]) }
    }

    func testMaximumAndMinimumGradients() {
        var rng = SeededGenerator(seed: 21)
        let shapePairs: [([Int], [Int])] = [([], []), ([5], []), ([2, 3, 4], [3, 1]), ([3, 1, 5], [1, 2, 5]),
                                            ([2, 1, 3, 2], [2, 3, 1])]
        for (shapeA, shapeB) in shapePairs {
            let a = SafeInputs.grid(shapeA, offset: 0, using: &rng)
            let b = SafeInputs.grid(shapeB, offset: 0.25, using: &rng)
            checkGradients([a, b], "maximum \(shapeA) \(shapeB)") { Tensor.maximum($0[0], $0[1]) }
            checkGradients([a, b], "minimum \(shapeA) \(shapeB)") { Tensor.minimum($0[0], $0[1]) }
        }
    }

    func testClampGradients() {
        var rng = SeededGenerator(seed: 22)
        for shape in [[], [9], [3, 5], [2, 3, 1, 4]] as [[Int]] {
            // On the grid k/2 + 1/4, a quarter away from the bounds ±1/2: no finite difference straddles one.
            let x = SafeInputs.grid(shape, offset: 0.25, using: &rng)
            checkGradients([x], "clamp \(shape)") { $0[0].clamped(min: -0.5, max: 0.5) }
            checkGradients([x], "clamp min \(shape)") { $0[0].clamped(min: -0.5) }
        }
    }

    func testWhereGradients() {
        var rng = SeededGenerator(seed: 23)
        let cases: [(mask: [Int], a: [Int], b: [Int])] = [([4], [4], []), ([2, 1, 4], [3, 4], [2, 3, 1]),
                                                          ([1, 3, 1, 2], [2, 1, 5, 2], [5, 1])]
        for (maskShape, shapeA, shapeB) in cases {
            let mask = Tensor.randomNormal(maskShape, using: &rng).greater(than: 0)
            let a = Tensor.randomNormal(shapeA, using: &rng), b = Tensor.randomNormal(shapeB, using: &rng)
            checkGradients([a, b], "where \(maskShape) \(shapeA) \(shapeB)") { Tensor.where(mask, $0[0], $0[1]) }
        }
    }
}
