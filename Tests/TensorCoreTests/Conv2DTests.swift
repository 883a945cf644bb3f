import TensorCore
import TestSupport
import Dispatch
import XCTest

final class Conv2DTests: XCTestCase {
    /// The configurations in Scripts/fixtures/conv.py.
    private let fixtureNames = ["basic", "stride2", "downsample", "groups2", "depthwise", "pointwise",
                                "pointwiseStride2", "noBias", "patchGAN", "sameWidthAsymmetric", "sameWidthWideKernel", "winograd"]

    func testValuesAndGradientsMatchPyTorch() throws {
        try assertConvolutionMatchesFixtures("conv", names: fixtureNames)
    }

    /// Four 9×12 maps with 24 input channels (36 tiles of 4×4) take F(4×4, 3×3) Winograd forward and for
    /// the input gradient (the weight gradient, with fewer than 128 such tiles, takes F(2×2)). Its
    /// rounding error is about five times the direct sum's: outputs of standard deviation about 15
    /// within 5e−4 (the largest difference is 2e−4).
    func testWinogradOnFourByFourTilesMatchesPyTorch() throws {
        try assertConvolutionMatchesFixtures("conv", names: ["winograd4x4"], tolerance: 5e-4, weightGradientTolerance: 5e-4)
    }

    func testFrozenWeightGivesTheSameInputGradient() throws {
        let fixture = try Fixtures.load("conv")
        let x = try fixture.tensor("basic.x").asLeaf()
        let y = conv2d(x, weight: try fixture.tensor("basic.weight"), bias: try fixture.tensor("basic.bias"),
                       padding: .uniform(1))
        let dx = gradients(of: y, wrt: [x], seed: try fixture.tensor("basic.dy"))[0]
        assertClose(dx, try fixture.tensor("basic.dx"), rtol: 1e-5, atol: 1e-5)
    }

    func testGradientsMatchFiniteDifferences() {
        var rng = SeededGenerator(seed: 11)
        // (x shape, weight shape, stride, padding, groups)
        let cases: [([Int], [Int], Int, Padding2D, Int)] = [
            ([2, 3, 5, 4], [2, 3, 3, 3], 1, .uniform(1), 1),
            ([1, 2, 6, 5], [3, 2, 3, 3], 2, Padding2D(top: 0, bottom: 1, left: 0, right: 1), 1),
            ([2, 4, 4, 3], [4, 2, 3, 2], 1, Padding2D(top: 2, bottom: 0, left: 1, right: 1), 2),
            ([1, 3, 5, 5], [3, 1, 3, 3], 2, .uniform(1), 3),
            // Same-width convolutions (im2col's shifted runs): asymmetric padding, a kernel wider than the image.
            ([2, 2, 4, 5], [2, 2, 2, 3], 1, Padding2D(top: 0, bottom: 1, left: 2, right: 0), 1),
            ([1, 2, 3, 2], [2, 2, 5, 5], 1, .uniform(2), 1),
            ([2, 4, 3, 5], [3, 4, 1, 1], 1, .zero, 1),
            // More images than weight-gradient partial sums, so some partials span several images.
            ([10, 2, 3, 4], [2, 2, 3, 3], 1, .uniform(1), 1),
        ]
        for (xShape, wShape, stride, padding, groups) in cases {
            let x = Tensor.randomNormal(xShape, using: &rng)
            let weight = Tensor.randomNormal(wShape, using: &rng)
            let bias = Tensor.randomNormal([wShape[0]], using: &rng)
            let label = "x \(xShape), weight \(wShape), stride \(stride), \(padding), groups \(groups)"
            checkGradients([x, weight, bias], label) { v in
                conv2d(v[0], weight: v[1], bias: v[2], stride: stride, padding: padding, groups: groups)
            }
            checkGradients([x, weight], label + ", no bias") { v in
                conv2d(v[0], weight: v[1], stride: stride, padding: padding, groups: groups)
            }
        }
    }

    func testResultsDoNotDependOnTheThreadCount() {
        var rng = SeededGenerator(seed: 5)
        let x = Tensor.randomNormal([11, 6, 9, 7], using: &rng).asLeaf()
        let weight = Tensor.randomNormal([8, 6, 3, 3], using: &rng).asLeaf()
        let bias = Tensor.randomNormal([8], using: &rng).asLeaf()
        let seed = Tensor.randomNormal([11, 8, 5, 4], using: &rng)

        func run(threads: Int) -> [[Float]] {
            let saved = ComputeSettings.threadCount
            ComputeSettings.threadCount = threads
            defer { ComputeSettings.threadCount = saved }
            let y = conv2d(x, weight: weight, bias: bias, stride: 2, padding: .uniform(1))
            return [y.scalars] + gradients(of: y, wrt: [x, weight, bias], seed: seed).map(\.scalars)
        }
        XCTAssertEqual(run(threads: 1), run(threads: 2))
    }

    /// The weight gradient from the forward pass's kept columns equals the one from recomputed columns.
    /// (Only the im2col route keeps columns.)
    func testKeptAndRecomputedColumnsGiveTheSameWeightGradient() {
        let enabled = ImplicitGEMM.isEnabled
        ImplicitGEMM.isEnabled = false
        defer { ImplicitGEMM.isEnabled = enabled }
        var rng = SeededGenerator(seed: 5)
        let x = Tensor.randomNormal([5, 3, 6, 7], using: &rng).asLeaf()
        let weight = Tensor.randomNormal([4, 3, 3, 3], using: &rng).asLeaf()
        let seed = Tensor.randomNormal([5, 4, 3, 4], using: &rng)
        func weightGradient() -> Tensor {
            gradients(of: conv2d(x, weight: weight, stride: 2, padding: .uniform(1)), wrt: [weight], seed: seed)[0]
        }
        let kept = weightGradient()
        let limit = ConvolutionMemory.keptColumnsLimit
        ConvolutionMemory.keptColumnsLimit = 0
        defer { ConvolutionMemory.keptColumnsLimit = limit }
        XCTAssertEqual(kept.scalars, weightGradient().scalars)
    }

    /// Kept columns count against one process-wide limit: a graph keeps the first convolution's that
    /// fit, recomputes the rest (same gradients), and gives the memory back when it is released.
    /// (Only the im2col route keeps columns.)
    func testKeptColumnsStayWithinTheProcessWideLimitAndAreGivenBack() {
        let enabled = ImplicitGEMM.isEnabled
        ImplicitGEMM.isEnabled = false
        defer { ImplicitGEMM.isEnabled = enabled }
        var rng = SeededGenerator(seed: 6)
        let x = Tensor.randomNormal([2, 3, 6, 6], using: &rng).asLeaf()
        let first = Tensor.randomNormal([4, 3, 3, 3], using: &rng).asLeaf()
        let second = Tensor.randomNormal([4, 4, 3, 3], using: &rng).asLeaf()
        let firstColumnsBytes = 2 * (3 * 3 * 3) * (3 * 3) * MemoryLayout<Float>.size
        let before = ConvolutionMemory.keptBytes
        let limit = ConvolutionMemory.keptColumnsLimit
        defer { ConvolutionMemory.keptColumnsLimit = limit }
        func weightGradients(limit: Int) -> [Tensor] {
            ConvolutionMemory.keptColumnsLimit = limit
            let hidden = conv2d(x, weight: first, stride: 2, padding: .uniform(1))
            XCTAssertEqual(ConvolutionMemory.keptBytes, before + min(limit - before, firstColumnsBytes))
            let y = conv2d(hidden, weight: second, stride: 2, padding: .uniform(1))
            XCTAssertEqual(ConvolutionMemory.keptBytes, before + min(limit - before, firstColumnsBytes),
                           "the second convolution's columns do not fit and are not kept")
            return gradients(of: (y * y).sum(), wrt: [first, second])
        }
        let recomputed = weightGradients(limit: before)
        let partlyKept = weightGradients(limit: before + firstColumnsBytes)
        XCTAssertEqual(ConvolutionMemory.keptBytes, before, "released graphs give their columns' memory back")
        for (a, b) in zip(recomputed, partlyKept) { XCTAssertEqual(a.scalars, b.scalars) }
    }

    /// Small outputs put several images side by side in one GEMM (`ConvChunks`); that must give what
    /// convolving each image on its own gives (the single-image path the PyTorch fixture checks).
    func testImagesSideBySideMatchImagesOneByOne() {
        var rng = SeededGenerator(seed: 9)
        for (groups, kernel, stride, padding) in [(1, 3, 1, Padding2D.uniform(1)), (2, 3, 2, Padding2D(top: 0, bottom: 1, left: 0, right: 1)),
                                                  (1, 1, 1, Padding2D.zero)] {
            let x = Tensor.randomNormal([7, 4, 5, 6], using: &rng).asLeaf()
            let weight = Tensor.randomNormal([6, 4 / groups, kernel, kernel], using: &rng).asLeaf()
            let bias = Tensor.randomNormal([6], using: &rng).asLeaf()
            let together = conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups)
            let seed = Tensor.randomNormal(together.shape, using: &rng)
            let jointGradients = gradients(of: together, wrt: [x, weight, bias], seed: seed)

            let alone = (0..<7).map { n in
                conv2d(x.sliced(axis: 0, range: n..<(n + 1)), weight: weight, bias: bias, stride: stride,
                       padding: padding, groups: groups)
            }
            let stacked = Tensor.concatenate(alone, axis: 0)
            let separateGradients = gradients(of: stacked, wrt: [x, weight, bias], seed: seed)
            let label = "groups \(groups), kernel \(kernel), stride \(stride)"
            assertClose(together, stacked, rtol: 1e-5, atol: 1e-5, label)
            for (joint, separate) in zip(jointGradients, separateGradients) {
                assertClose(joint, separate, rtol: 1e-4, atol: 1e-4, label)
            }
        }
    }

    /// The implicit-GEMM kernels give what im2col and BLAS give, forward, for the input gradient
    /// (itself a convolution when the stride is 1) and for the weight gradient (with no forward columns
    /// kept, so strided convolutions take the kernel too), across what panels and blocks meet: outputs
    /// narrower and wider than a 48-column panel, panels spanning rows and images, output channels
    /// that do not fill a block of 8, asymmetric and wide padding, a depth over one 128-deep block,
    /// 1×1 kernels, kernels of one row or column, strides 2 and 3.
    func testImplicitGEMMMatchesIm2colAndBLAS() throws {
        try XCTSkipUnless(ImplicitGEMM.isAvailable, "this CPU has no AVX-512")
        var rng = SeededGenerator(seed: 21)
        // (x shape, weight shape, stride, padding)
        let cases: [([Int], [Int], Int, Padding2D)] = [
            ([3, 5, 7, 9], [11, 5, 3, 3], 1, .uniform(1)),
            ([2, 3, 12, 53], [9, 3, 3, 3], 1, .uniform(1)),
            ([4, 2, 4, 4], [8, 2, 3, 3], 1, .uniform(1)),
            ([2, 4, 6, 5], [3, 4, 2, 3], 1, Padding2D(top: 0, bottom: 1, left: 2, right: 0)),
            ([1, 2, 3, 2], [2, 2, 5, 5], 1, .uniform(2)),
            ([3, 300, 3, 3], [5, 300, 3, 3], 1, .uniform(1)),
            ([2, 4, 5, 5], [6, 4, 1, 1], 1, .zero),
            ([2, 3, 7, 7], [4, 3, 3, 3], 1, .zero),
            // The width kept but not the height (runs span rows), and many small images per panel.
            ([2, 3, 6, 7], [4, 3, 3, 1], 1, .zero),
            ([9, 3, 2, 3], [4, 3, 3, 3], 1, .uniform(1)),
            // Output channels in whole blocks of 64, and in blocks of 48 with a last one of 34.
            ([2, 5, 6, 6], [128, 5, 3, 3], 1, .uniform(1)),
            ([3, 2, 7, 5], [130, 2, 3, 3], 1, .uniform(1)),
            // Strided (gathered columns): the autoencoder's downsampling, a PatchGAN layer, wide rows.
            ([2, 3, 9, 11], [5, 3, 3, 3], 2, Padding2D(top: 0, bottom: 1, left: 0, right: 1)),
            ([2, 4, 10, 10], [3, 4, 4, 4], 2, .uniform(1)),
            ([1, 2, 8, 130], [9, 2, 3, 3], 2, .uniform(1)),
            ([2, 2, 9, 9], [3, 2, 3, 3], 3, .zero),
        ]
        let enabled = ImplicitGEMM.isEnabled, keptLimit = ConvolutionMemory.keptColumnsLimit
        let winograd = Winograd.isEnabled
        defer {
            ImplicitGEMM.isEnabled = enabled; ConvolutionMemory.keptColumnsLimit = keptLimit
            Winograd.isEnabled = winograd
        }
        ConvolutionMemory.keptColumnsLimit = 0
        // The direct kernel here; WinogradTests compares the Winograd route with it.
        Winograd.isEnabled = false
        for (xShape, wShape, stride, padding) in cases {
            let x = Tensor.randomNormal(xShape, using: &rng).asLeaf()
            let weight = Tensor.randomNormal(wShape, using: &rng).asLeaf()
            let bias = Tensor.randomNormal([wShape[0]], using: &rng)
            func run(implicit: Bool) -> (y: Tensor, dx: Tensor, dw: Tensor) {
                ImplicitGEMM.isEnabled = implicit
                let y = conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
                let d = gradients(of: (y * y).sum(), wrt: [x, weight])
                return (y, d[0], d[1])
            }
            let implicit = run(implicit: true), expected = run(implicit: false)
            let label = "x \(xShape), weight \(wShape), stride \(stride), \(padding)"
            // Float32 sums in another order differ by a few ulps of their terms, not of the result: where
            // terms cancel (the 2,700-term products of 300 channels) that is up to 1e-5 of the largest
            // value (BLAS's summation order is its kernel's: OpenBLAS's Haswell and SkylakeX differ).
            func tolerance(_ floor: Float, _ t: Tensor) -> Float { max(floor, 1e-5 * (t.scalars.map(abs).max() ?? 0)) }
            assertClose(implicit.y, expected.y, rtol: 1e-5, atol: tolerance(1e-4, expected.y), label)
            assertClose(implicit.dx, expected.dx, rtol: 1e-5, atol: tolerance(1e-3, expected.dx), label + " dx")
            assertClose(implicit.dw, expected.dw, rtol: 1e-5, atol: tolerance(2e-3, expected.dw), label + " dw")
        }
    }

    /// Packed and Winograd-transformed weights are reused only while the weight is unchanged: a weight
    /// written in place (as the optimizers write theirs) gives the new weight's results, forward and in
    /// the input gradient, on the direct kernel (3 input channels) and by Winograd (16).
    func testAWeightWrittenInPlaceIsPackedAgain() {
        let limit = ConvolutionMemory.packedWeightsLimit
        ConvolutionMemory.packedWeightsLimit = 1 << 20
        defer { ConvolutionMemory.packedWeightsLimit = limit }
        var rng = SeededGenerator(seed: 23)
        for channels in [3, 16] {
            let x = Tensor.randomNormal([2, channels, 6, 6], using: &rng).asLeaf()
            var weight = Tensor.randomNormal([16, channels, 3, 3], using: &rng)
            func run() -> (y: Tensor, dx: Tensor) {
                let y = conv2d(x, weight: weight, padding: .uniform(1))
                return (y, gradients(of: (y * y).sum(), wrt: [x])[0])
            }
            let before = run()
            weight.withMutableScalars { values in
                for i in values.indices { values[i] *= 2 }
            }
            let after = run()
            // y doubles; the gradient of Σy², 2·Σ y·∂y/∂x, quadruples.
            assertClose(after.y, Tensor(shape: before.y.shape, scalars: before.y.scalars.map { $0 * 2 }),
                        rtol: 1e-5, atol: 1e-4, "\(channels) channels")
            assertClose(after.dx, Tensor(shape: before.dx.shape, scalars: before.dx.scalars.map { $0 * 4 }),
                        rtol: 1e-5, atol: 1e-3, "\(channels) channels")
        }
    }

    /// Threads that reach one convolution together split the packing of its weight between them (the
    /// shards of a training step): each gets the whole packed weight, so the outputs equal one thread's,
    /// forward and in the input gradient, step after step as the weight changes in place.
    func testConvolutionsRacingForOnePackingGetTheWholePackedWeight() {
        let winograd = Winograd.isEnabled
        defer { Winograd.isEnabled = winograd }
        var rng = SeededGenerator(seed: 25)
        // 256 output channels: 32 blocks of 8 to split, each long enough for the threads to overlap; 8×8
        // and 4×4 maps for both Winograd tile sides, 3 input channels for the direct kernel's packing.
        for (xShape, useWinograd) in [([1, 128, 8, 8], true), ([1, 128, 4, 4], true), ([1, 3, 8, 8], false)] {
            Winograd.isEnabled = useWinograd
            let x = Tensor.randomNormal(xShape, using: &rng).asLeaf()
            var weight = Tensor.randomNormal([256, xShape[1], 3, 3], using: &rng)
            for step in 0..<32 {
                weight.withMutableScalars { values in
                    for i in values.indices { values[i] += 0.01 * Float(step) }
                }
                let frozenWeight = weight
                func run() -> [[Float]] {
                    let y = conv2d(x, weight: frozenWeight, padding: .uniform(1))
                    return [y.scalars, gradients(of: (y * y).sum(), wrt: [x])[0].scalars]
                }
                let results = UnsafeMutableBufferPointer<[[Float]]>.allocate(capacity: 2)
                defer { results.deallocate() }
                DispatchQueue.concurrentPerform(iterations: 2) { thread in
                    (results.baseAddress! + thread).initialize(to: run())
                }
                let limit = ConvolutionMemory.packedWeightsLimit
                ConvolutionMemory.packedWeightsLimit = 0
                let alone = run()
                ConvolutionMemory.packedWeightsLimit = limit
                XCTAssertEqual(results[0], alone, "\(xShape), step \(step)")
                XCTAssertEqual(results[1], alone, "\(xShape), step \(step)")
            }
        }
    }

    /// With no memory for packed weights, every call packs its own: the same results.
    func testPackingAtEveryCallGivesTheSameResults() {
        var rng = SeededGenerator(seed: 24)
        let x = Tensor.randomNormal([2, 5, 7, 6], using: &rng).asLeaf()
        let weight = Tensor.randomNormal([6, 5, 3, 3], using: &rng)
        func run() -> [[Float]] {
            let y = conv2d(x, weight: weight, padding: .uniform(1))
            return [y.scalars, gradients(of: (y * y).sum(), wrt: [x])[0].scalars]
        }
        let cached = run()
        let limit = ConvolutionMemory.packedWeightsLimit
        ConvolutionMemory.packedWeightsLimit = 0
        defer { ConvolutionMemory.packedWeightsLimit = limit }
        XCTAssertEqual(run(), cached)
    }
}
