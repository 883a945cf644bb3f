import NN
import TensorCore
import TestSupport
import XCTest

final class Conv2dTests: XCTestCase {
    func testParametersKeysShapesAndPyTorchInitialisation() {
        var generator = SeededGenerator(seed: 3)
        let conv = Conv2d(inChannels: 8, outChannels: 6, kernelSize: 3, groups: 2, generator: &generator)
        XCTAssertEqual(conv.namedParameters().map(\.key), ["weight", "bias"])
        XCTAssertEqual(conv.weight.shape, [6, 4, 3, 3])
        XCTAssertEqual(conv.bias?.wrappedValue.shape, [6])
        // U(−1/√fanIn, 1/√fanIn) with fanIn = 8/2 · 3 · 3 = 36.
        let bound: Float = 1 / 6
        for values in [conv.weight.scalars, conv.bias!.wrappedValue.scalars] {
            XCTAssertLessThanOrEqual(values.map(abs).max()!, bound)
            XCTAssertGreaterThan(values.map(abs).max()!, 0.7 * bound)
        }
        let weights = conv.weight.scalars
        XCTAssertEqual(weights.reduce(0, +) / Float(weights.count), 0, accuracy: 0.02)
    }

    func testWithoutBiasHasOnlyTheWeight() {
        var generator = SeededGenerator(seed: 4)
        let conv = Conv2d(inChannels: 3, outChannels: 2, kernelSize: 1, bias: false, generator: &generator)
        XCTAssertNil(conv.bias)
        XCTAssertEqual(conv.namedParameters().map(\.key), ["weight"])
    }

    func testCallAppliesConv2dWithItsSettings() {
        var generator = SeededGenerator(seed: 5)
        let conv = Conv2d(inChannels: 3, outChannels: 4, kernelSize: 3, stride: 2, padding: 1, generator: &generator)
        XCTAssertEqual(conv.padding, .uniform(1))
        let x = Tensor.randomNormal([2, 3, 7, 6], using: &generator)
        let y = conv(x)
        XCTAssertEqual(y.shape, [2, 4, 4, 3])
        let expected = conv2d(x, weight: conv.weight, bias: conv.bias!.wrappedValue, stride: 2, padding: .uniform(1))
        XCTAssertEqual(y.scalars, expected.scalars)
    }

    func testGradientsReachTheParameters() {
        var generator = SeededGenerator(seed: 6)
        let conv = Conv2d(inChannels: 2, outChannels: 3, kernelSize: 3,
                          padding: Padding2D(top: 0, bottom: 1, left: 0, right: 1), generator: &generator)
        let x = Tensor.randomNormal([1, 2, 4, 4], using: &generator)
        let y = conv(x).sum()
        let grads = gradients(of: y, wrt: [conv.weight, conv.bias!.wrappedValue])
        // d(Σy)/db is the number of output positions, 3·3; d(Σy)/dW[o, c, i, j] is the sum of the
        // padded input's window starting at (i, j), the same for every o.
        assertClose(grads[1], Tensor(repeating: 9, shape: [3]))
        let xs = x.scalars
        func padded(_ c: Int, _ row: Int, _ column: Int) -> Float { row < 4 && column < 4 ? xs[(c * 4 + row) * 4 + column] : 0 }
        var windowSums: [Float] = []
        for c in 0..<2 {
            for i in 0..<3 {
                for j in 0..<3 {
                    windowSums.append((0..<3).flatMap { oy in (0..<3).map { ox in padded(c, oy + i, ox + j) } }.reduce(0, +))
                }
            }
        }
        assertClose(grads[0], Tensor(shape: [3, 2, 3, 3], scalars: Array([windowSums, windowSums, windowSums].joined())),
                    rtol: 1e-5, atol: 1e-5)
    }
}
