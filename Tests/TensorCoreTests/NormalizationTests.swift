import TensorCore
import TestSupport
import XCTest

final class NormalizationTests: XCTestCase {
    private var fixture: [String: Tensor]!
    override func setUpWithError() throws { fixture = try Fixtures.load("norms") }

    /// Asserts the output and the x, weight and bias cotangents of `output` (built from `inputs`)
    /// against the fixture's `prefix` "dy", "dx", "dweight", "dbias".
    private func assertVectorJacobianProduct(of output: Tensor, wrt inputs: [Tensor], prefix: String,
                                             file: StaticString = #filePath, line: UInt = #line) throws {
        let grads = gradients(of: output, wrt: inputs, seed: try fixture.tensor(prefix + "dy"))
        for (grad, name) in zip(grads, ["dx", "dweight", "dbias"]) {
            assertClose(grad, try fixture.tensor(prefix + name), rtol: 1e-4, atol: 1e-4, name, file: file, line: line)
        }
    }

    // MARK: Group norm

    func testGroupNormMatchesPyTorchWith32GroupsAndSmallEpsilon() throws {
        let x = try fixture.tensor("gn.x").asLeaf()
        let weight = try fixture.tensor("gn.weight").asLeaf(), bias = try fixture.tensor("gn.bias").asLeaf()
        let y = groupNorm(x, groups: 32, weight: weight, bias: bias, epsilon: 1e-6)
        assertClose(y, try fixture.tensor("gn.y"), rtol: 1e-4, atol: 1e-4)
        try assertVectorJacobianProduct(of: y, wrt: [x, weight, bias], prefix: "gn.")
    }

    func testGroupNormWithoutAffineOnOneSpatialAxis() throws {
        let y = groupNorm(try fixture.tensor("gn1d.x"), groups: 3, epsilon: 1e-5)
        assertClose(y, try fixture.tensor("gn1d.y"), rtol: 1e-4, atol: 1e-5)
    }

    func testGroupNormKeepsPrecisionFarFromZero() {
        // Values 1000 ± 0.01 (σ² is 1e-10 of the mean square): each group has mean 1000 and becomes ±d/√(d² + ε).
        let x = Tensor(shape: [1, 2, 2], scalars: [1000.01, 999.99, 999.99, 1000.01])
        let d = Double(Float(1000.01)) - 1000
        let y = Float(d / (d * d + 1e-6).squareRoot())
        assertClose(groupNorm(x, groups: 2, epsilon: 1e-6), Tensor(shape: [1, 2, 2], scalars: [y, -y, -y, y]), rtol: 1e-5)
    }

    func testGroupNormGradients() {
        var rng = SeededGenerator(seed: 11)
        for (shape, groups) in [([2, 4, 3, 3], 2), ([1, 6, 5], 3), ([3, 3], 1), ([2, 4, 1, 2], 4)] {
            let channels = shape[1]
            let x = Tensor.randomNormal(shape, using: &rng)
            let weight = Tensor.randomNormal([channels], using: &rng), bias = Tensor.randomNormal([channels], using: &rng)
            checkGradients([x, weight, bias], "shape \(shape)") { v in
                groupNorm(v[0], groups: groups, weight: v[1], bias: v[2], epsilon: 1e-5)
            }
            checkGradients([x], "shape \(shape) without affine") { v in groupNorm(v[0], groups: groups) }
        }
    }

    func testGroupNormWeightGradientWithConstantInput() {
        var rng = SeededGenerator(seed: 12)
        let x = Tensor.randomNormal([2, 4, 3], using: &rng)
        let weight = Tensor.randomNormal([4], using: &rng).asLeaf()
        let y = groupNorm(x, groups: 2, weight: weight, bias: Tensor.zeros([4]))
        // ∂(Σ y)/∂weight[c] is the sum of the normalised x̂ over the samples and positions of channel c.
        let expected = groupNorm(x, groups: 2).sum(alongAxes: [0, 2])
        assertClose(gradients(of: y.sum(), wrt: [weight])[0], expected, atol: 1e-5)
    }

    // MARK: Group norm with SiLU

    func testGroupNormSiLUMatchesPyTorch() throws {
        let x = try fixture.tensor("gnSilu.x").asLeaf()
        let weight = try fixture.tensor("gnSilu.weight").asLeaf(), bias = try fixture.tensor("gnSilu.bias").asLeaf()
        let y = groupNormSiLU(x, groups: 8, weight: weight, bias: bias, epsilon: 1e-6)
        assertClose(y, try fixture.tensor("gnSilu.y"), rtol: 1e-4, atol: 1e-5)
        try assertVectorJacobianProduct(of: y, wrt: [x, weight, bias], prefix: "gnSilu.")
    }

    func testGroupNormSiLUGradients() {
        var rng = SeededGenerator(seed: 13)
        for (shape, groups) in [([2, 4, 3, 3], 2), ([1, 6, 5], 3), ([2, 4, 1, 2], 4)] {
            let channels = shape[1]
            let x = Tensor.randomNormal(shape, using: &rng)
            let weight = Tensor.randomNormal([channels], using: &rng), bias = Tensor.randomNormal([channels], using: &rng)
            checkGradients([x, weight, bias], "shape \(shape)") { v in
                groupNormSiLU(v[0], groups: groups, weight: v[1], bias: v[2], epsilon: 1e-5)
            }
            checkGradients([x], "shape \(shape) without affine") { v in groupNormSiLU(v[0], groups: groups) }
        }
    }

    /// Only the parameters' cotangents wanted (x a constant): the pullback then writes dz to scratch
    /// memory instead of dx, and must give what the composite gives.
    func testGroupNormSiLUParameterGradientsWithConstantInput() {
        var rng = SeededGenerator(seed: 14)
        let x = Tensor.randomNormal([2, 4, 3], using: &rng)
        let weight = Tensor.randomNormal([4], using: &rng).asLeaf(), bias = Tensor.randomNormal([4], using: &rng).asLeaf()
        let seed = Tensor.randomNormal([2, 4, 3], using: &rng)
        let fused = gradients(of: groupNormSiLU(x, groups: 2, weight: weight, bias: bias), wrt: [weight, bias], seed: seed)
        let composite = gradients(of: groupNorm(x, groups: 2, weight: weight, bias: bias).silu(), wrt: [weight, bias],
                                  seed: seed)
        for (a, b) in zip(fused, composite) { assertClose(a, b, rtol: 1e-5, atol: 1e-6) }
    }

    // MARK: Layer norm

    func testLayerNormMatchesPyTorch() throws {
        let x = try fixture.tensor("ln.x").asLeaf()
        let weight = try fixture.tensor("ln.weight").asLeaf(), bias = try fixture.tensor("ln.bias").asLeaf()
        let y = layerNorm(x, weight: weight, bias: bias, epsilon: 1e-5)
        assertClose(y, try fixture.tensor("ln.y"), rtol: 1e-4, atol: 1e-5)
        try assertVectorJacobianProduct(of: y, wrt: [x, weight, bias], prefix: "ln.")
    }

    func testLayerNormGradients() {
        var rng = SeededGenerator(seed: 13)
        for shape in [[3, 5], [2, 3, 7], [4, 1], [9]] {
            let features = shape.last!
            let x = Tensor.randomNormal(shape, using: &rng)
            let weight = Tensor.randomNormal([features], using: &rng), bias = Tensor.randomNormal([features], using: &rng)
            checkGradients([x, weight, bias], "shape \(shape)") { v in layerNorm(v[0], weight: v[1], bias: v[2]) }
            checkGradients([x, bias], "shape \(shape) bias only") { v in layerNorm(v[0], bias: v[1]) }
        }
    }

    // MARK: Batch norm

    func testBatchNormTrainingTwoStepsThenEvaluationMatchesPyTorch() throws {
        let weight = try fixture.tensor("bn.weight").asLeaf(), bias = try fixture.tensor("bn.bias").asLeaf()
        var runningMean = Tensor.zeros([3]), runningVariance = Tensor.ones([3])
        var x = try fixture.tensor("bn.x1"), y = x
        for step in 1...2 {
            x = try fixture.tensor("bn.x\(step)").asLeaf()
            (y, runningMean, runningVariance) = batchNorm(x, weight: weight, bias: bias, runningMean: runningMean,
                                                         runningVariance: runningVariance, training: true)
            assertClose(y, try fixture.tensor("bn.y\(step)"), rtol: 1e-4, atol: 1e-5, "step \(step)")
            assertClose(runningMean, try fixture.tensor("bn.runningMean\(step)"), "step \(step)")
            assertClose(runningVariance, try fixture.tensor("bn.runningVar\(step)"), "step \(step)")
        }
        try assertVectorJacobianProduct(of: y, wrt: [x, weight, bias], prefix: "bn.train.")

        let xEval = try fixture.tensor("bn.xEval").asLeaf()
        let eval = batchNorm(xEval, weight: weight, bias: bias, runningMean: runningMean,
                             runningVariance: runningVariance, training: false)
        assertClose(eval.output, try fixture.tensor("bn.yEval"), rtol: 1e-4, atol: 1e-5)
        XCTAssertEqual(eval.runningMean.scalars, runningMean.scalars)
        XCTAssertEqual(eval.runningVariance.scalars, runningVariance.scalars)
        try assertVectorJacobianProduct(of: eval.output, wrt: [xEval, weight, bias], prefix: "bn.eval.")
    }

    func testBatchNormGradients() {
        var rng = SeededGenerator(seed: 14)
        for shape in [[3, 2, 2, 3], [2, 3, 1, 1], [5, 2]] {
            let channels = shape[1]
            let x = Tensor.randomNormal(shape, using: &rng)
            let weight = Tensor.randomNormal([channels], using: &rng), bias = Tensor.randomNormal([channels], using: &rng)
            let runningMean = Tensor.randomNormal([channels], using: &rng)
            let runningVariance = Tensor.randomUniform([channels], low: 0.5, high: 2, using: &rng)
            for training in [true, false] {
                checkGradients([x, weight, bias], "shape \(shape) training \(training)") { v in
                    batchNorm(v[0], weight: v[1], bias: v[2], runningMean: runningMean,
                              runningVariance: runningVariance, training: training).output
                }
            }
        }
    }

    // MARK: Threads

    func testResultsDoNotDependOnTheThreadCount() {
        var rng = SeededGenerator(seed: 15)
        let x = Tensor.randomNormal([2, 64, 16, 16], using: &rng).asLeaf()  // large enough for several chunks
        let weight = Tensor.randomNormal([64], using: &rng).asLeaf(), rowWeight = Tensor.randomNormal([16], using: &rng).asLeaf()
        let seed = Tensor.randomNormal(x.shape, using: &rng)
        func run() -> [[Float]] {
            let y = groupNorm(x, groups: 32, weight: weight) + layerNorm(x, weight: rowWeight)
            return [y.scalars] + gradients(of: y, wrt: [x, weight, rowWeight], seed: seed).map(\.scalars)
        }
        let saved = ComputeSettings.threadCount
        defer { ComputeSettings.threadCount = saved }
        ComputeSettings.threadCount = 1
        let serial = run()
        ComputeSettings.threadCount = 2
        XCTAssertEqual(serial, run())
    }
}
