import NN
import TensorCore
import TestSupport
import XCTest

/// conv → group norm → SiLU → two-head self-attention with a residual → linear → token mean → MSE,
/// the network of Scripts/fixtures/small_network.py.
private final class SmallNetwork: Module {
    let conv: Conv2d
    let norm: GroupNorm
    let toQ: Linear
    let toK: Linear
    let toV: Linear
    let toOut: Linear
    let head: Linear

    init(generator: inout SeededGenerator) {
        conv = Conv2d(inChannels: 3, outChannels: 16, kernelSize: 3, padding: 1, generator: &generator)
        norm = GroupNorm(groups: 4, channels: 16, epsilon: 1e-6)
        toQ = Linear(inFeatures: 16, outFeatures: 16, bias: false, generator: &generator)
        toK = Linear(inFeatures: 16, outFeatures: 16, bias: false, generator: &generator)
        toV = Linear(inFeatures: 16, outFeatures: 16, bias: false, generator: &generator)
        toOut = Linear(inFeatures: 16, outFeatures: 16, generator: &generator)
        head = Linear(inFeatures: 16, outFeatures: 8, generator: &generator)
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let h = norm(conv(x)).silu()
        let (b, c, positions) = (h.shape[0], h.shape[1], h.shape[2] * h.shape[3])
        let tokens = h.reshaped(to: [b, c, positions]).transposed()  // [B, HW, C]
        let attended = scaledDotProductAttention(query: toQ(tokens), key: toK(tokens), value: toV(tokens), heads: 2)
        return head(tokens + toOut(attended)).mean(alongAxes: [1])
    }
}

final class SmallNetworkParityTests: XCTestCase {
    func testLossAndEveryParameterGradientMatchPyTorch() throws {
        let fixture = try Fixtures.load("small_network")
        var generator = SeededGenerator(seed: 0)
        let network = SmallNetwork(generator: &generator)
        for (key, parameter) in network.namedParameters() {
            parameter.wrappedValue = try fixture.tensor("weight.\(key)")
        }
        let loss = mseLoss(network(try fixture.tensor("input")), try fixture.tensor("target"))
        assertClose(loss, try fixture.tensor("loss").reshaped(to: []), rtol: 1e-5, atol: 0)

        let parameters = network.namedParameters()
        let grads = gradients(of: loss, wrt: parameters.map(\.parameter.wrappedValue))
        XCTAssertEqual(parameters.count, 11)
        for ((key, _), gradient) in zip(parameters, grads) {
            let expected = try fixture.tensor("grad.\(key)")
            // 1e-4 relative to the gradient's own scale (elements near zero are compared absolutely).
            let scale = expected.scalars.map(abs).max() ?? 1
            assertClose(gradient, expected, rtol: 1e-4, atol: 1e-4 * scale, "parameter \(key)")
        }
    }
}
