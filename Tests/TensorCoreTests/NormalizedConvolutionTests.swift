import TensorCore
import TestSupport
import XCTest

/// `groupNormSiLUConv2d` against the two primitives it fuses, and by finite differences.
final class NormalizedConvolutionTests: XCTestCase {
    /// Values and every gradient equal those of conv2d(groupNormSiLU(x)), with and without the norm's
    /// affine parameters and the convolution's bias, for a 3×3 "same" convolution (the Winograd route
    /// at 16 channels) and a strided one.
    func testMatchesGroupNormSiLUThenConvolution() {
        var rng = SeededGenerator(seed: 41)
        for (channels, stride, affine, hasBias) in [(16, 1, true, true), (8, 2, false, true), (16, 1, true, false)] {
            let x = Tensor.randomNormal([2, channels, 6, 5], using: &rng).asLeaf()
            let normWeight = affine ? Tensor.randomNormal([channels], using: &rng).asLeaf() : nil
            let normBias = affine ? Tensor.randomNormal([channels], using: &rng).asLeaf() : nil
            let weight = Tensor.randomNormal([12, channels, 3, 3], standardDeviation: 0.2, using: &rng).asLeaf()
            let bias = hasBias ? Tensor.randomNormal([12], using: &rng).asLeaf() : nil
            let parameters = [x, weight] + [normWeight, normBias, bias].compactMap { $0 }
            let fused = groupNormSiLUConv2d(x, groups: 4, normWeight: normWeight, normBias: normBias, epsilon: 1e-5,
                                            weight: weight, bias: bias, stride: stride, padding: .uniform(1))
            let composed = conv2d(groupNormSiLU(x, groups: 4, weight: normWeight, bias: normBias, epsilon: 1e-5),
                                  weight: weight, bias: bias, stride: stride, padding: .uniform(1))
            let label = "\(channels) channels, stride \(stride), affine \(affine), bias \(hasBias)"
            assertClose(fused, composed, rtol: 1e-5, atol: 1e-5, label)
            let seed = Tensor.randomNormal(fused.shape, using: &rng)
            for (a, b) in zip(gradients(of: fused, wrt: parameters, seed: seed),
                              gradients(of: composed, wrt: parameters, seed: seed)) {
                assertClose(a, b, rtol: 1e-4, atol: 1e-4, label)
            }
        }
    }

    /// Central differences, in Double, for x, both norm parameters, the weight and the bias.
    func testGradientsMatchFiniteDifferences() {
        var rng = SeededGenerator(seed: 42)
        let inputs = [Tensor.randomNormal([2, 4, 3, 4], using: &rng), Tensor.randomNormal([4], using: &rng),
                      Tensor.randomNormal([4], using: &rng),
                      Tensor.randomNormal([3, 4, 3, 3], standardDeviation: 0.3, using: &rng),
                      Tensor.randomNormal([3], using: &rng)]
        checkGradients(inputs, "groupNormSiLUConv2d") { v in
            groupNormSiLUConv2d(v[0], groups: 2, normWeight: v[1], normBias: v[2], epsilon: 1e-5, weight: v[3],
                                bias: v[4], padding: .uniform(1))
        }
    }

    /// A frozen convolution (its weight no leaf, so its gradient is not wanted) still passes x's.
    func testAFrozenConvolutionStillPassesTheInputGradient() {
        var rng = SeededGenerator(seed: 43)
        let x = Tensor.randomNormal([1, 4, 4, 4], using: &rng).asLeaf()
        let weight = Tensor.randomNormal([2, 4, 3, 3], using: &rng)
        let y = groupNormSiLUConv2d(x, groups: 2, normWeight: nil, normBias: nil, epsilon: 1e-5, weight: weight,
                                    bias: nil, padding: .uniform(1))
        let expected = conv2d(groupNormSiLU(x, groups: 2), weight: weight, padding: .uniform(1))
        assertClose(gradients(of: y.sum(), wrt: [x])[0], gradients(of: expected.sum(), wrt: [x])[0], rtol: 1e-5, atol: 1e-5)
    }
}
