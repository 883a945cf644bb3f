import NN
import TensorCore

/// `conv3x3-fwd-bwd`: one 3×3 conv 128→128 with padding 1 on x [8, 128, 32, 32], forward and
/// backward with a fixed random cotangent (dx, dW and db all computed), as torch_ref.py's `case_conv`;
/// the forward alone is timed too.
func convCase() -> BenchmarkCase {
    let (batch, channels, size) = (8, 128, 32)
    var generator = SeededGenerator(seed: 0)
    let conv = Conv2d(inChannels: channels, outChannels: channels, kernelSize: 3, padding: 1, generator: &generator)
    let x = Tensor.randomNormal([batch, channels, size, size], using: &generator).asLeaf()
    let cotangent = Tensor.randomNormal([batch, channels, size, size], using: &generator)
    let forwardFlops = 2 * Double(channels * channels * 9 * size * size * batch)
    let parameters = [conv.weight, conv.bias!.wrappedValue]
    let step = TimedStep(
        name: "conv3x3-fwd-bwd", batch: batch, parameterCount: conv.parameterCount,
        flopsPerStep: 3 * forwardFlops, extra: ["flops_source": "analytic 3 x 2*Cin*Cout*9*H*W*N"],
        defaultSteps: 20,
        step: { _ = gradients(of: conv(x), wrt: [x] + parameters, seed: cotangent) },
        forward: (flops: forwardFlops, step: { _ = withoutGradients { conv(x) } }))
    return BenchmarkCase(steps: [step])
}
