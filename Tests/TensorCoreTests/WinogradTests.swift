import TensorCore
import TestSupport
import XCTest

/// The Winograd route (3×3, stride 1, padding 1, at least 16 input channels; F(4×4, 3×3) on maps of at
/// least 8×8, F(2×2, 3×3) on smaller ones) against the direct implicit-GEMM kernel. Its forward values
/// and gradients are also checked against PyTorch (the "winograd" and "winograd4x4" cases of
/// Conv2DTests' fixture) and by finite differences through `conv2d`.
final class WinogradTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(ImplicitGEMM.isAvailable, "this CPU has no AVX-512")
    }

    /// Forward values, the input gradient (a stride-1 convolution with the turned weight, itself on
    /// the Winograd route when the layer has 16 or more output channels) and the weight gradient (by
    /// Winograd from 64 tiles of 2×2 or 128 of 4×4) agree with the direct kernel, for both tile sizes,
    /// across what the tiles and panels meet: odd sides (the last tiles cut short), 1×1 and 2×34 maps,
    /// output channels that do not fill a block of 8 (or of 48 or 64 in the weight gradient), more than
    /// one depth block of input channels, and last panels of one, two and three vectors of 16 tiles.
    /// F(4×4) rounds differently from the direct sum: by up to about 1e−3 here, on outputs whose
    /// standard deviation is √(9·Cin), 12 to 34; a wrong transform is off by the outputs' scale.
    func testWinogradMatchesTheDirectKernel() {
        var rng = SeededGenerator(seed: 31)
        // (x shape, weight shape): the tiles of the forward pass and of the weight gradient.
        let cases: [([Int], [Int])] = [
            ([6, 20, 9, 11], [70, 20, 3, 3]),  // 54 of 4×4 (panels of 48 and 6); dW 180 of 2×2
            ([5, 130, 4, 4], [9, 130, 3, 3]),  // 20 of 2×2, two depth blocks; dW direct
            ([2, 16, 1, 1], [8, 16, 3, 3]),  // 2 of 2×2, each mostly padding
            ([1, 24, 2, 34], [17, 24, 3, 3]),  // 17 of 2×2 in one row
            ([16, 24, 4, 4], [40, 24, 3, 3]),  // 64 of 2×2, forward and dW
            ([4, 130, 16, 16], [64, 130, 3, 3]),  // 64 of 4×4; dW 256 of 2×2, blocks of 64, depth blocks of 126
            ([9, 16, 16, 15], [24, 16, 3, 3]),  // 144 of 4×4 (three panels), forward and dW
            ([3, 16, 8, 10], [24, 16, 3, 3]),  // 18 of 4×4, the last column cut short; dW direct
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
            func tiles(_ side: Int) -> Int { xShape[0] * ((xShape[2] + side - 1) / side) * ((xShape[3] + side - 1) / side) }
            let largeMap = xShape[2] >= 8 && xShape[3] >= 8
            if (largeMap && tiles(4) >= 128) || tiles(2) >= 64 {
                XCTAssertNotEqual(winograd.dw.scalars, direct.dw.scalars, "\(label): dW by Winograd")
            }
            assertClose(winograd.y, direct.y, rtol: 1e-5, atol: 2e-3, label)
            assertClose(winograd.dx, direct.dx, rtol: 1e-5, atol: 2e-3, label + " dx")
            assertClose(winograd.dw, direct.dw, rtol: 1e-5, atol: 2e-3, label + " dw")
        }
    }

    /// Central differences of Σ y·seed through the Winograd route, in Double, for x, the weight and
    /// the bias: on 2×2 and on 4×4 tiles with 16 output channels (the input gradient by Winograd too),
    /// and with 64 tiles of 2×2 and 128 of 4×4 (the weight gradient by Winograd). The convolution is
    /// linear in each input, so a large step (0.5) costs no truncation error and keeps Float rounding in
    /// the outputs (larger in F(4×4)) from swamping the differences.
    func testGradientsMatchFiniteDifferences() {
        var rng = SeededGenerator(seed: 32)
        for (xShape, outChannels) in [([2, 16, 3, 5], 16), ([2, 16, 8, 32], 16), ([16, 16, 4, 4], 4), ([8, 16, 16, 16], 4)] {
            let x = Tensor.randomNormal(xShape, using: &rng)
            let weight = Tensor.randomNormal([outChannels, 16, 3, 3], standardDeviation: 0.2, using: &rng)
            let bias = Tensor.randomNormal([outChannels], using: &rng)
            checkGradients([x, weight, bias], epsilon: 0.5, "Winograd, x \(xShape)") { v in
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
