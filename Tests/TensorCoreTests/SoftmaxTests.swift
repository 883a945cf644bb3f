import Foundation
import TensorCore
import TestSupport
import XCTest

final class SoftmaxTests: XCTestCase {
    func testSoftmaxOfLargeLogitsMatchesPyTorch() throws {
        let fixture = try Fixtures.load("norms")
        let x = try fixture.tensor("softmax.x"), x3 = try fixture.tensor("softmax.x3")
        assertClose(x.softmax(alongAxis: -1), try fixture.tensor("softmax.last"), rtol: 1e-4, atol: 1e-6)
        assertClose(x.softmax(alongAxis: 0), try fixture.tensor("softmax.first"), rtol: 1e-4, atol: 1e-6)
        assertClose(x.logSoftmax(alongAxis: 1), try fixture.tensor("logSoftmax.last"), rtol: 1e-5, atol: 1e-4)
        assertClose(x3.softmax(alongAxis: 1), try fixture.tensor("softmax.middle"), rtol: 1e-4, atol: 1e-6)
        assertClose(x3.logSoftmax(alongAxis: -2), try fixture.tensor("logSoftmax.middle"), rtol: 1e-5, atol: 1e-4)
    }

    func testClosedFormsAndNegativeInfinity() {
        let log3 = Float(log(3.0))
        // Rows: softmax([0, log 3]) = [1/4, 3/4]; a −∞ entry gets 0; a row of only −∞ gets zeros.
        let x = Tensor(shape: [3, 2], scalars: [0, log3, -.infinity, 5, -.infinity, -.infinity])
        assertClose(x.softmax(), Tensor(shape: [3, 2], scalars: [0.25, 0.75, 0, 1, 0, 0]), atol: 1e-6)
        assertClose(Array(x.logSoftmax().scalars.prefix(2)), [Float(log(0.25)), Float(log(0.75))], atol: 1e-6)
        // Columns: [0, log 3] → [1/4, 3/4] and [1, 1] → [1/2, 1/2].
        let columns = Tensor(shape: [2, 2], scalars: [0, 1, log3, 1])
        assertClose(columns.softmax(alongAxis: 0), Tensor(shape: [2, 2], scalars: [0.25, 0.5, 0.75, 0.5]), atol: 1e-6)
    }

    func testSoftmaxIsAccurateAcrossTheExponentRange() {
        // softmax([0, t]) = [1, eᵗ] / (1 + eᵗ), from eᵗ ≈ 1e-37 to 1.
        let ts = stride(from: -85.0, through: 0, by: 0.173).map { Double(Float($0)) }
        let x = Tensor(shape: [ts.count, 2], scalars: ts.flatMap { [0, Float($0)] })
        let expected = ts.flatMap { t in [1 / (1 + exp(t)), exp(t) / (1 + exp(t))].map(Float.init) }
        assertClose(x.softmax().scalars, expected, rtol: 5e-7, atol: 0)
    }

    func testGradients() {
        var rng = SeededGenerator(seed: 21)
        for (shape, axis) in [([3, 5], -1), ([2, 4, 3], 1), ([2, 4, 3], 0), ([7], 0), ([2, 1, 3], 1)] {
            let x = Tensor.randomNormal(shape, standardDeviation: 2, using: &rng)
            checkGradients([x], "softmax \(shape) axis \(axis)") { $0[0].softmax(alongAxis: axis) }
            checkGradients([x], "logSoftmax \(shape) axis \(axis)") { $0[0].logSoftmax(alongAxis: axis) }
        }
    }
}
