import Optimizers
import TensorCore
import TestSupport
import XCTest

final class GradientClippingTests: XCTestCase {
    func testNormOverAllTensorsAndScaleBelowOne() {
        let gradients = [Tensor(shape: [2], scalars: [3, 0]), Tensor(shape: [1, 1], scalars: [-4])]
        let (clipped, norm) = clipByGlobalNorm(gradients, maxNorm: 1)
        XCTAssertEqual(norm, 5)
        let scale = Float(1) / (5 + 1e-6)
        assertClose(clipped[0], Tensor(shape: [2], scalars: [3 * scale, 0]), rtol: 1e-7)
        assertClose(clipped[1], Tensor(shape: [1, 1], scalars: [-4 * scale]), rtol: 1e-7)
    }

    func testGradientsWithinTheLimitAreReturnedUnchanged() {
        let gradients = [Tensor(shape: [2], scalars: [3, 4])]
        let (clipped, norm) = clipByGlobalNorm(gradients, maxNorm: 5.0001)
        XCTAssertEqual(norm, 5)
        XCTAssertEqual(clipped[0].scalars, [3, 4])
    }

    func testClippedNormEqualsMaxNorm() {
        var generator = SeededGenerator(seed: 9)
        let gradients = [Tensor.randomNormal([7, 5], using: &generator), Tensor.randomNormal([3], using: &generator)]
        let expectedNorm = gradients.map { ($0 * $0).sum().scalar }.reduce(0, +).squareRoot()
        let (clipped, norm) = clipByGlobalNorm(gradients, maxNorm: 0.5)
        XCTAssertEqual(norm, expectedNorm, accuracy: 1e-5 * expectedNorm)
        let clippedNorm = clipped.map { ($0 * $0).sum().scalar }.reduce(0, +).squareRoot()
        XCTAssertEqual(clippedNorm, 0.5, accuracy: 1e-5)
        XCTAssertEqual(clipped.map(\.shape), [[7, 5], [3]])
    }
}
