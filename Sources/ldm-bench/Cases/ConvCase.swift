import NN
import TensorCore

/// `conv3x3-fwd-bwd`: one 3×3 conv 128→128 with padding 1 on x [8, 128, 32, 32], forward and
/// backward with a fixed random cotangent (dx, dW and db all computed), as torch_ref.py's `case_conv`;
/// the forward alone is timed too. `size` scales the batch and the map (half the image side).
func convCase(_ size: BenchSize) -> BenchmarkCase {
    let (batch, channels, side) = (size.batch(default: 8), 128, size.imageSize / 2)
    var generator = SeededGenerator(seed: 0)
    let conv = Conv2d(inChannels: channels, outChannels: channels, kernelSize: 3, padding: 1, generator: &generator)
    let x = Tensor.randomNormal([batch, channels, side, side], using: &generator).asLeaf()
    let cotangent = Tensor.randomNormal([batch, channels, side, side], using: &generator)
    let forwardFlops = 2 * Double(channels * channels * 9 * side * side * batch)
    let parameters = [conv.weight, conv.bias!.wrappedValue]
    let step = TimedStep(
        name: "conv3x3-fwd-bwd", batch: batch, parameterCount: conv.parameterCount,
        flopsPerStep: 3 * forwardFlops, extra: ["flops_source": "analytic 3 x 2*Cin*Cout*9*H*W*N"],
        defaultSteps: 20,
        step: { _ = gradients(of: conv(x), wrt: [x] + parameters, seed: cotangent) },
        forward: (flops: forwardFlops, step: { _ = withoutGradients { conv(x) } }))
    return BenchmarkCase(steps: [step])
}
