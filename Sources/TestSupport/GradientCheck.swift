import TensorCore
import XCTest

/// Checks the pullbacks behind `function` against central finite differences.
///
/// The output is reduced to a scalar with a fixed random projection r, L = Σ r·f(x), summed in Double.
/// The analytic gradient is the vector–Jacobian product with seed r; the numeric one perturbs every
/// element of every input by ±`epsilon`. Elements must agree to atol + rtol·|numeric|.
/// Keep inputs small: the cost is two evaluations per input element.
public func checkGradients(_ inputs: [Tensor], epsilon: Float = 1e-2, rtol: Float = 1e-2, atol: Float = 1e-3,
                           seed: UInt64 = 7, _ message: @autoclosure () -> String = "",
                           file: StaticString = #filePath, line: UInt = #line,
                           of function: ([Tensor]) -> Tensor) {
    let leaves = inputs.enumerated().map { $0.element.asLeaf(named: "input\($0.offset)") }
    let output = function(leaves)
    var generator = SeededGenerator(seed: seed)
    let projection = Tensor.randomNormal(output.shape, using: &generator)
    let analytic = gradients(of: output, wrt: leaves, seed: projection)

    func projectedValue(_ values: [Tensor]) -> Double {
        let y = withoutGradients { function(values) }
        precondition(y.shape == projection.shape, "checkGradients: output shape changed to \(y.shape)")
        var total = 0.0
        let ys = y.scalars, rs = projection.scalars
        for i in 0..<ys.count { total += Double(ys[i]) * Double(rs[i]) }
        return total
    }

    for (index, input) in inputs.enumerated() {
        var numeric = [Float](repeating: 0, count: input.count)
        let base = input.scalars
        for element in 0..<input.count {
            var values = inputs
            var plus = base, minus = base
            plus[element] += epsilon
            minus[element] -= epsilon
            values[index] = Tensor(shape: input.shape, scalars: plus)
            let up = projectedValue(values)
            values[index] = Tensor(shape: input.shape, scalars: minus)
            let down = projectedValue(values)
            numeric[element] = Float((up - down) / (2 * Double(epsilon)))
        }
        assertClose(analytic[index].scalars, numeric, rtol: rtol, atol: atol,
                    "gradient of input \(index) (shape \(input.shape)) \(message())", file: file, line: line)
    }
}
