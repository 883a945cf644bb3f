import TensorCore
import TestSupport
import XCTest

/// `conv2d` with groups == channels (its direct depthwise kernels).
final class DepthwiseConvolutionTests: XCTestCase {
    /// The configurations in Scripts/fixtures/depthwise_conv.py.
    private let fixtureNames = ["k3Stride1", "k3Stride2Same", "k5Stride2Same", "k5Stride1", "k5MapSmallerThanKernel",
                                "paddingWiderThanKernel", "wide"]

    func testValuesAndGradientsMatchPyTorch() throws {
        try assertConvolutionMatchesFixtures("depthwise_conv", names: fixtureNames, weightGradientTolerance: 1e-4)
    }

    func testGradientsMatchFiniteDifferences() {
        var rng = SeededGenerator(seed: 12)
        // (x shape, kernel, stride, padding)
        let cases: [([Int], Int, Int, Padding2D)] = [
            ([2, 3, 5, 4], 3, 1, .uniform(1)),
            ([1, 5, 6, 7], 3, 2, Padding2D(top: 0, bottom: 1, left: 1, right: 1)),
            ([2, 2, 6, 5], 5, 2, Padding2D(top: 1, bottom: 2, left: 2, right: 2)),
            ([1, 3, 2, 3], 5, 1, .uniform(2)),
        ]
        for (xShape, kernel, stride, padding) in cases {
            let x = Tensor.randomNormal(xShape, using: &rng)
            let weight = Tensor.randomNormal([xShape[1], 1, kernel, kernel], using: &rng)
            let bias = Tensor.randomNormal([xShape[1]], using: &rng)
            checkGradients([x, weight, bias], "x \(xShape), kernel \(kernel), stride \(stride), \(padding)") { v in
                conv2d(v[0], weight: v[1], bias: v[2], stride: stride, padding: padding, groups: xShape[1])
            }
        }
    }

    func testResultsDoNotDependOnTheThreadCount() {
        var rng = SeededGenerator(seed: 6)
        let x = Tensor.randomNormal([5, 24, 9, 8], using: &rng).asLeaf()
        let weight = Tensor.randomNormal([24, 1, 5, 5], using: &rng).asLeaf()
        let seed = Tensor.randomNormal([5, 24, 4, 4], using: &rng)

        func run(threads: Int) -> [[Float]] {
            let saved = ComputeSettings.threadCount
            ComputeSettings.threadCount = threads
            defer { ComputeSettings.threadCount = saved }
            let y = conv2d(x, weight: weight, stride: 2, padding: Padding2D(top: 1, bottom: 2, left: 1, right: 2), groups: 24)
            return [y.scalars] + gradients(of: y, wrt: [x, weight], seed: seed).map(\.scalars)
        }
        XCTAssertEqual(run(threads: 1), run(threads: 3))
    }
}
