import TensorCore
import TestSupport
import XCTest

final class ActivationTests: XCTestCase {
    /// Shapes from rank 0 to rank 4 with odd extents.
    let shapes: [[Int]] = [[], [7], [3, 5], [2, 1, 3], [2, 3, 1, 3]]

    func testActivationsMatchTorchIncludingKinksAndSaturation() throws {
        let f = try ElementwiseFixture.load()
        try assertMatchesTorchCase("relu", inputs: ["x"], in: f) { $0[0].relu() }
        try assertMatchesTorchCase("leakyRelu", inputs: ["x"], in: f) { $0[0].leakyRelu(slope: 0.2) }
        try assertMatchesTorchCase("relu6", inputs: ["x"], in: f) { $0[0].relu6() }
        try assertMatchesTorchCase("silu", inputs: ["x"], in: f) { $0[0].silu() }
        try assertMatchesTorchCase("gelu", inputs: ["x"], in: f) { $0[0].gelu() }
        try assertMatchesTorchCase("gelu.tanh", inputs: ["x"], in: f) { $0[0].gelu(approximate: true) }
        try assertMatchesTorchCase("softplus", inputs: ["x"], in: f) { $0[0].softplus() }
        try assertMatchesTorchCase("gatedGELU", inputs: ["x"], in: f) { $0[0].gatedGELU() }
    }

    func testSoftplusKeepsTinyValues() throws {
        let f = try ElementwiseFixture.load()
        // softplus(−30) ≈ 9.4e−14: right relative to its size, where log(1 + e⁻³⁰) would give 0.
        let x = try f.tensor("softplus.x")
        assertClose(x.softplus(), try f.tensor("softplus.out"), rtol: 1e-5, atol: 0)
    }

    func testGradientsStayFiniteAtHugeMagnitudes() {
        let x = Tensor(shape: [4], scalars: [-1000, -100, 100, 1000]).asLeaf()
        let activations: [(String, (Tensor) -> Tensor)] = [
            ("silu", { $0.silu() }), ("gelu", { $0.gelu() }), ("gelu tanh", { $0.gelu(approximate: true) }),
            ("softplus", { $0.softplus() }), ("tanh", { $0.tanh() }), ("sigmoid", { $0.sigmoid() }),
        ]
        for (name, activation) in activations {
            let y = activation(x)
            XCTAssertTrue(y.scalars.allSatisfy(\.isFinite), "\(name) value \(y)")
            let g = gradients(of: y.sum(), wrt: [x])[0]
            XCTAssertTrue(g.scalars.allSatisfy(\.isFinite), "\(name) gradient \(g)")
        }
    }

    /// The fused gated GELU against its composite (value half times GELU of the gate half), and its
    /// gradients by finite differences, on shapes of rank 1 to 3.
    func testGatedGELUMatchesItsCompositeAndItsGradients() {
        var rng = SeededGenerator(seed: 43)
        for shape in [[6], [3, 8], [2, 3, 10]] {
            let x = Tensor.randomNormal(shape, using: &rng) * 2
            let halves = x.chunked(2, axis: -1)
            assertClose(x.gatedGELU(), halves[0] * halves[1].gelu(), rtol: 1e-6, atol: 1e-6, "gatedGELU \(shape)")
            checkGradients([x], "gatedGELU \(shape)") { $0[0].gatedGELU() }
        }
    }

    func testGradients() {
        var rng = SeededGenerator(seed: 41)
        for shape in shapes {
            let x = SafeInputs.normal(shape, margin: 0.1, using: &rng) * 2
            checkGradients([x], "relu \(shape)") { $0[0].relu() }
            checkGradients([x], "leakyRelu \(shape)") { $0[0].leakyRelu(slope: 0.1) }
            checkGradients([x], "silu \(shape)") { $0[0].silu() }
            checkGradients([x], "gelu \(shape)") { $0[0].gelu() }
            checkGradients([x], "gelu tanh \(shape)") { $0[0].gelu(approximate: true) }
            checkGradients([x], "softplus \(shape)") { $0[0].softplus() }
            // relu6: the grid k/2 + 1/4 (times 2, then shifted by 3) stays ½ away from the kinks 0 and 6.
            let nearKinks = SafeInputs.grid(shape, offset: 0.25, using: &rng) * 2 + 3
            checkGradients([nearKinks], "relu6 \(shape)") { $0[0].relu6() }
        }
    }
}
