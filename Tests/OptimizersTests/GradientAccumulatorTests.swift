import Optimizers
import TensorCore
import TestSupport
import XCTest

final class GradientAccumulatorTests: XCTestCase {
    /// For a mean loss, the mean of 4 micro-batch gradients of 3 samples is the gradient of the 12-sample batch.
    func testAveragedMicroBatchesEqualOneLargeBatch() {
        var generator = SeededGenerator(seed: 4)
        let x = Tensor.randomNormal([12, 3], using: &generator), t = Tensor.randomNormal([12, 4], using: &generator)
        let model = TinyLinearModel(seed: 1)
        let whole = model.gradients(x, t)

        var accumulator = GradientAccumulator()
        for start in stride(from: 0, to: 12, by: 3) {
            let xs = Tensor(shape: [3, 3], scalars: Array(x.scalars[start * 3 ..< (start + 3) * 3]))
            let ts = Tensor(shape: [3, 4], scalars: Array(t.scalars[start * 4 ..< (start + 3) * 4]))
            accumulator.add(model.gradients(xs, ts))
        }
        XCTAssertEqual(accumulator.microBatchCount, 4)
        let accumulated = accumulator.takeGradients()
        assertClose(accumulated[0], whole[0], rtol: 1e-5, atol: 1e-6)
        assertClose(accumulated[1], whole[1], rtol: 1e-5, atol: 1e-6)
        XCTAssertEqual(accumulator.microBatchCount, 0)
    }

    func testSummingLeavesTheFirstGradientUntouched() {
        var accumulator = GradientAccumulator(averaging: false)
        let first = Tensor(shape: [2], scalars: [1, 2])
        accumulator.add([first])
        accumulator.add([Tensor(shape: [2], scalars: [10, 20])])
        accumulator.add([Tensor(shape: [2], scalars: [100, 200])])
        XCTAssertEqual(accumulator.takeGradients()[0].scalars, [111, 222])
        XCTAssertEqual(first.scalars, [1, 2])
        accumulator.add([Tensor(shape: [2], scalars: [5, 6])])
        XCTAssertEqual(accumulator.takeGradients()[0].scalars, [5, 6])
    }
}
