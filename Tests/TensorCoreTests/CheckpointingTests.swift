import TensorCore
import TestSupport
import XCTest

final class CheckpointingTests: XCTestCase {
    func testCheckpointedBlockGivesTheSameGradients() {
        var rng = SeededGenerator(seed: 3)
        let x = Tensor.randomNormal([4, 3], using: &rng).asLeaf()
        let w = Tensor.randomNormal([3], using: &rng).asLeaf()
        let v = Tensor.randomNormal([4, 1], using: &rng).asLeaf()
        let block: ([Tensor]) -> Tensor = { inputs in (inputs[0] * w + v) * (inputs[0] - w) }

        let plain = gradients(of: (block([x]) * x).sum(), wrt: [x, w, v])
        let checkpointedOutput = checkpointed([x], parameters: [w, v], block)
        let viaCheckpoint = gradients(of: (checkpointedOutput * x).sum(), wrt: [x, w, v])
        // x fans out, so its two cotangents may be summed in another order: equal up to rounding.
        for (a, b) in zip(viaCheckpoint, plain) { assertClose(a, b, rtol: 1e-6, atol: 1e-6) }
    }

    func testUnwantedParametersAreNotDifferentiated() {
        let x = Tensor(shape: [2], scalars: [1, 2]).asLeaf()
        let frozen = Tensor(shape: [2], scalars: [3, 4])  // a constant: no gradient requested
        let y = checkpointed([x], parameters: [frozen]) { $0[0] * frozen }
        XCTAssertEqual(gradients(of: y.sum(), wrt: [x])[0].scalars, [3, 4])
    }
}
