import TensorCore
import TestSupport
import XCTest

/// The Winograd route (3×3, stride 1, padding 1, at least 16 input channels) against the direct
/// implicit-GEMM kernel. Its forward values and gradients are also checked against PyTorch (the
/// "winograd" case of Conv2DTests' fixture) and by finite differences through `conv2d`.
final class WinogradTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(ImplicitGEMM.isAvailable, "this CPU has no AVX-512")
    }

    /// Forward values, the input gradient (a stride-1 convolution with the turned weight, itself on
    /// the Winograd route when the layer has 16 or more output channels) and the weight gradient (by
    /// Winograd from 64 tiles) agree with the direct kernel across what the tiles and panels meet: odd
    /// sides (the last tiles cut short), 1×1 and 2×34 maps, output channels that do not fill a block
    /// of 8 (or of 48 or 64 in the weight gradient), more than one depth block of input channels, and
    /// last panels of one, two and three vectors of 16 tiles.
    func testWinogradMatchesTheDirectKernel() {
        var rng = SeededGenerator(seed: 31)
        // (x shape, weight shape): tiles per call in the comments.
        let cases: [([Int], [Int])] = [
            ([3, 20, 9, 11], [70, 20, 3, 3]),  // 90 tiles: panels of 48 and 42
            ([5, 130, 4, 4], [9, 130, 3, 3]),  // 20 tiles, two depth blocks
            ([2, 16, 1, 1], [8, 16, 3, 3]),  // 2 tiles, each mostly padding
            ([1, 24, 2, 34], [17, 24, 3, 3]),  // 17 tiles in one row
            ([4, 32, 16, 16], [32, 32, 3, 3]),  // 256 tiles: five panels and 16
            ([3, 130, 10, 10], [64, 130, 3, 3]),  // 75 tiles; gradient blocks of 64, depth blocks of 126
        ]
        let enabled = Winograd.isEnabled
        defer { Winograd.isEnabled = enabled }
        for (xShape, wShape) in cases {
            let x = Tensor.randomNormal(xShape, using: &rng).asLeaf()
            let weight = Tensor.randomNormal(wShape, using: &rng).asLeaf()
            let bias = Tensor.randomNormal([wShape[0]], using: &rng)
            // One cotangent for both routes, so that the gradients differ only by the backward kernels.
            let seed = Tensor.randomNormal([xShape[0], wShape[0], xShape[2], xShape[3]], using: &rng)
            func run(winograd: Bool) -> (y: Tensor, dx: Tensor, dw: Tensor) {
                Winograd.isEnabled = winograd
                let y = conv2d(x, weight: weight, bias: bias, padding: .uniform(1))
                let d = gradients(of: y, wrt: [x, weight], seed: seed)
                return (y, d[0], d[1])
            }
            let winograd = run(winograd: true), direct = run(winograd: false)
            let label = "x \(xShape), weight \(wShape)"
            XCTAssertNotEqual(winograd.y.scalars, direct.y.scalars, "\(label): the two routes sum differently")
            let tiles = xShape[0] * ((xShape[2] + 1) / 2) * ((xShape[3] + 1) / 2)
            if tiles >= 64 { XCTAssertNotEqual(winograd.dw.scalars, direct.dw.scalars, "\(label): dW by Winograd") }
            assertClose(winograd.y, direct.y, rtol: 1e-5, atol: 2e-4, label)
            assertClose(winograd.dx, direct.dx, rtol: 1e-5, atol: 2e-4, label + " dx")
            assertClose(winograd.dw, direct.dw, rtol: 1e-5, atol: 2e-4, label + " dw")
        }
    }

    /// Central differences of Σ y·seed through the Winograd route, in Double, for x, the weight and
    /// the bias: with 16 output channels (the input gradient by Winograd too), and with 64 tiles (the
    /// weight gradient by Winograd).
    func testGradientsMatchFiniteDifferences() {
        var rng = SeededGenerator(seed: 32)
        for (xShape, outChannels) in [([2, 16, 3, 5], 16), ([16, 16, 4, 4], 4)] {
            let x = Tensor.randomNormal(xShape, using: &rng)
            let weight = Tensor.randomNormal([outChannels, 16, 3, 3], standardDeviation: 0.2, using: &rng)
            let bias = Tensor.randomNormal([outChannels], using: &rng)
            checkGradients([x, weight, bias], "Winograd, x \(xShape)") { v in
                conv2d(v[0], weight: v[1], bias: v[2], padding: .uniform(1))
            }
        }
    }

    /// The tiles are cut into chunks by their count alone, so the thread count changes nothing.
    func testResultsDoNotDependOnTheThreadCount() {
        var rng = SeededGenerator(seed: 34)
        let x = Tensor.randomNormal([6, 16, 12, 10], using: &rng).asLeaf()
        let weight = Tensor.randomNormal([24, 16, 3, 3], using: &rng).asLeaf()
        let seed = Tensor.randomNormal([6, 24, 12, 10], using: &rng)
        func run(threads: Int) -> [[Float]] {
            let saved = ComputeSettings.threadCount
            ComputeSettings.threadCount = threads
            defer { ComputeSettings.threadCount = saved }
            let y = conv2d(x, weight: weight, padding: .uniform(1))
            return [y.scalars] + gradients(of: y, wrt: [x, weight], seed: seed).map(\.scalars)
        }
        XCTAssertEqual(run(threads: 1), run(threads: 2))
    }
}
