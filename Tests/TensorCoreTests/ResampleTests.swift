import TensorCore
import TestSupport
import XCTest

final class ResampleTests: XCTestCase {
    func testUpsampleNearestMatchesPyTorch() throws {
        let fixture = try Fixtures.load("movement")
        assertClose(try fixture.tensor("upsample.x").upsampledNearest(factor: 2), try fixture.tensor("upsample.2"),
                    rtol: 0, atol: 0)
        assertClose(try fixture.tensor("upsample3.x").upsampledNearest(factor: 3), try fixture.tensor("upsample.3"),
                    rtol: 0, atol: 0)
    }

    func testUpsampleNearestGradients() {
        var rng = SeededGenerator(seed: 1)
        checkGradients([Tensor.randomNormal([2, 1, 3, 2], using: &rng)]) { $0[0].upsampledNearest(factor: 2) }
        checkGradients([Tensor.randomNormal([1, 2, 1, 3], using: &rng)]) { $0[0].upsampledNearest(factor: 3) }
    }

    func testAvgPoolMatchesPyTorch() throws {
        let fixture = try Fixtures.load("movement")
        let x = try fixture.tensor("avgpool.x")
        assertClose(x.avgPool2d(kernel: 3, stride: 2, padding: 1), try fixture.tensor("avgpool.k3s2p1"))
        assertClose(x.avgPool2d(kernel: 2, stride: 2), try fixture.tensor("avgpool.k2s2p0"))
        assertClose(x.avgPool2d(kernel: 3, stride: 1, padding: 1), try fixture.tensor("avgpool.k3s1p1"))
    }

    func testAvgPoolGradients() {
        var rng = SeededGenerator(seed: 2)
        let x = Tensor.randomNormal([2, 2, 5, 4], using: &rng)
        checkGradients([x]) { $0[0].avgPool2d(kernel: 3, stride: 2, padding: 1) }
        checkGradients([x]) { $0[0].avgPool2d(kernel: 2, stride: 2) }
        checkGradients([x]) { $0[0].avgPool2d(kernel: 2, stride: 1, padding: 1) }
    }

    /// Big enough to be split over threads: a 2×2 average of an upsampled image gives it back.
    func testAvgPoolUndoesUpsampleOnLargeInput() {
        var rng = SeededGenerator(seed: 3)
        let x = Tensor.randomNormal([2, 8, 64, 48], using: &rng)
        assertClose(x.upsampledNearest(factor: 2).avgPool2d(kernel: 2, stride: 2), x)
        assertClose(x.upsampledNearest(factor: 3).avgPool2d(kernel: 3, stride: 3), x)
    }
}
