import NN
import TensorCore
import TestSupport
import XCTest

final class LinearTests: XCTestCase {
    func testParameterKeysAndShapes() {
        var generator = SeededGenerator(seed: 1)
        let layer = Linear(inFeatures: 3, outFeatures: 4, generator: &generator)
        XCTAssertEqual(layer.namedParameters().map(\.key), ["weight", "bias"])
        XCTAssertEqual(layer.weight.shape, [4, 3])
        XCTAssertEqual(layer.bias?.wrappedValue.shape, [4])
        let noBias = Linear(inFeatures: 3, outFeatures: 4, bias: false, generator: &generator)
        XCTAssertEqual(noBias.namedParameters().map(\.key), ["weight"])
    }

    /// PyTorch's default: weight and bias uniform in ±1/√in, so variance bound²/3.
    func testInitialisationBoundsAndStatistics() {
        var generator = SeededGenerator(seed: 2)
        let layer = Linear(inFeatures: 64, outFeatures: 256, generator: &generator)
        let bound: Float = 1 / 8
        for (name, values) in [("weight", layer.weight.scalars), ("bias", layer.bias!.wrappedValue.scalars)] {
            XCTAssertTrue(values.allSatisfy { abs($0) <= bound }, "\(name) outside ±\(bound)")
        }
        let w = layer.weight.scalars.map(Double.init)
        let mean = w.reduce(0, +) / Double(w.count)
        let variance = w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(w.count)
        XCTAssertEqual(mean, 0, accuracy: 0.002)
        XCTAssertEqual(variance, Double(bound * bound) / 3, accuracy: 0.0002)
        XCTAssertGreaterThan(layer.weight.scalars.max()!, bound * 0.99)
        XCTAssertLessThan(layer.bias!.wrappedValue.scalars.min()!, -bound * 0.5)
    }

    func testForwardOverLeadingAxes() {
        var generator = SeededGenerator(seed: 3)
        let layer = Linear(inFeatures: 3, outFeatures: 2, generator: &generator)
        let x = Tensor.randomNormal([2, 2, 3], using: &generator)
        let y = layer(x)
        XCTAssertEqual(y.shape, [2, 2, 2])
        let xs = x.scalars, w = layer.weight.scalars, b = layer.bias!.wrappedValue.scalars
        var expected: [Float] = []
        for row in 0..<4 {
            for o in 0..<2 {
                var total = b[o]
                for i in 0..<3 { total += xs[row * 3 + i] * w[o * 3 + i] }
                expected.append(total)
            }
        }
        assertClose(y, Tensor(shape: [2, 2, 2], scalars: expected))
        let lastRow = Tensor(shape: [3], scalars: Array(xs[9..<12]))
        assertClose(layer(lastRow), Tensor(shape: [2], scalars: Array(expected[6..<8])))
    }

    /// With seed ones: dW[o][i] = Σ_rows x[row][i], db[o] = rows, dx[row][i] = Σ_o W[o][i].
    func testGradients() {
        var generator = SeededGenerator(seed: 4)
        let layer = Linear(inFeatures: 3, outFeatures: 2, generator: &generator)
        let x = Tensor.randomNormal([2, 5, 3], using: &generator).asLeaf()
        let g = gradients(of: layer(x).sum(), wrt: [layer.weight, layer.bias!.wrappedValue, x])
        let columnSums = x.sum(alongAxes: [0, 1]).scalars
        assertClose(g[0], Tensor(shape: [2, 3], scalars: columnSums + columnSums), rtol: 1e-5, atol: 1e-5)
        assertClose(g[1], Tensor(shape: [2], scalars: [10, 10]))
        let w = layer.weight.scalars
        let dx = (0..<3).map { w[$0] + w[3 + $0] }
        assertClose(g[2], Tensor(shape: [2, 5, 3], scalars: (0..<10).flatMap { _ in dx }))
    }

    func testFrozenLayerStillPassesInputGradient() {
        var generator = SeededGenerator(seed: 5)
        let layer = Linear(inFeatures: 2, outFeatures: 2, bias: false, generator: &generator)
        layer.freeze()
        var rng = SeededGenerator(seed: 6)
        checkGradients([Tensor.randomNormal([3, 2], using: &rng)]) { layer($0[0]) }
    }
}
