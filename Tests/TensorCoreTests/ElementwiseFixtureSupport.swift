import TensorCore
import TestSupport
import XCTest

/// Helpers shared by the tests of the elementwise ops, reductions, activations and losses.
enum ElementwiseFixture {
    /// The tensors written by Scripts/fixtures/elementwise.py.
    static func load() throws -> [String: Tensor] { try Fixtures.load("elementwise") }
}

/// Checks `function` against a case written by the fixture script's `put_with_gradients`: its value on
/// the stored inputs `"<name>.<input>"`, and its gradients for the stored seed cotangent.
func assertMatchesTorchCase(_ name: String, inputs: [String], in fixture: [String: Tensor],
                            rtol: Float = 1e-5, atol: Float = 1e-6,
                            file: StaticString = #filePath, line: UInt = #line,
                            _ function: ([Tensor]) -> Tensor) throws {
    let leaves = try inputs.map { try fixture.tensor("\(name).\($0)").asLeaf() }
    let output = function(leaves)
    assertClose(output, try fixture.tensor("\(name).out"), rtol: rtol, atol: atol, "\(name) value",
                file: file, line: line)
    let seed = try fixture.tensor("\(name).seed")
    let computed = gradients(of: output, wrt: leaves, seed: seed)
    for (input, gradient) in zip(inputs, computed) {
        assertClose(gradient, try fixture.tensor("grad.\(name).\(input)"), rtol: rtol, atol: atol,
                    "\(name) gradient of \(input)", file: file, line: line)
    }
}

/// Random test inputs that keep clear of kinks and ties, so that finite differences are valid there.
enum SafeInputs {
    /// Normal values moved at least `margin` away from `kink`.
    static func normal(_ shape: [Int], awayFrom kink: Float = 0, margin: Float = 0.1,
                       using generator: inout SeededGenerator) -> Tensor {
        let values = Tensor.randomNormal(shape, using: &generator).scalars.map { x in
            x >= 0 ? kink + margin + x : kink - margin + x
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// Uniform values in [low, high).
    static func uniform(_ shape: [Int], _ low: Float, _ high: Float, using generator: inout SeededGenerator) -> Tensor {
        Tensor.randomUniform(shape, low: low, high: high, using: &generator)
    }

    /// Distinct values, each `gap` apart from every other, in a random order: no near-ties for max.
    static func distinct(_ shape: [Int], gap: Float = 0.1, using generator: inout SeededGenerator) -> Tensor {
        let count = shapeCount(shape)
        let order = Array(0..<count).seededShuffle(using: &generator)
        return Tensor(shape: shape, scalars: order.map { (Float($0) - Float(count) / 2) * gap })
    }

    /// Values on a grid of step 1/2 shifted by `offset`: two such tensors with offsets 0 and 1/4 never
    /// come closer than 1/4, so maximum/minimum have no near-ties.
    static func grid(_ shape: [Int], offset: Float, using generator: inout SeededGenerator) -> Tensor {
        let values = Tensor.randomNormal(shape, standardDeviation: 2, using: &generator).scalars
        return Tensor(shape: shape, scalars: values.map { ($0 * 2).rounded() / 2 + offset })
    }
}
