import TensorCore
import TestSupport
import XCTest

final class LossTests: XCTestCase {
    func testLossesMatchTorch() throws {
        let f = try ElementwiseFixture.load()
        try assertMatchesTorchCase("l1", inputs: ["prediction", "target"], in: f) { l1Loss($0[0], $0[1]) }
        try assertMatchesTorchCase("mse", inputs: ["prediction", "target"], in: f) { mseLoss($0[0], $0[1]) }
        // Includes logits ±20 and ±30, where log σ(x) computed naively would be log 0.
        try assertMatchesTorchCase("bce", inputs: ["input", "target"], in: f) {
            binaryCrossEntropyWithLogits($0[0], targets: $0[1])
        }
    }

    func testGradients() {
        var rng = SeededGenerator(seed: 51)
        for shape in [[], [7], [3, 5], [2, 3, 1, 3]] as [[Int]] {
            let target = Tensor.randomNormal(shape, using: &rng)
            // |prediction − target| ≥ 0.1 keeps l1 away from its kink.
            let prediction = target + SafeInputs.normal(shape, using: &rng)
            checkGradients([prediction, target], "l1 \(shape)") { l1Loss($0[0], $0[1]) }
            checkGradients([prediction, target], "mse \(shape)") { mseLoss($0[0], $0[1]) }
            let logits = Tensor.randomNormal(shape, standardDeviation: 3, using: &rng)
            let probabilities = Tensor.randomUniform(shape, using: &rng)
            checkGradients([logits, probabilities], "bce \(shape)") {
                binaryCrossEntropyWithLogits($0[0], targets: $0[1])
            }
        }
    }
}
