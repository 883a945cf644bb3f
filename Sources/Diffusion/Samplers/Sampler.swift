import TensorCore

/// A denoising network as samplers see it: the model output for a batch x_t [B, …] at one timestep per
/// sample. Conditioning, if any, is bound inside the closure.
public typealias Denoiser = (_ noisy: Tensor, _ timesteps: [Int]) throws -> Tensor

/// A reverse-process sampler: the timesteps it visits, and one step from x_t to the next, less noisy
/// sample given the model's output at (x_t, t).
public protocol Sampler {
    /// The timesteps at which the denoiser is evaluated, in the order visited (descending).
    var timesteps: [Int] { get }

    /// Whether the step at `index` (into `timesteps`) adds fresh noise, so the driver draws it only then.
    func addsNoise(atStep index: Int) -> Bool

    /// x_t → x_s, where t = timesteps[index] and s is the next visited timestep (or the sampler's end).
    /// - Parameters:
    ///   - modelOutput: the denoiser's output at (x, t), [B, …].
    ///   - noise: standard normal noise of x's shape when `addsNoise(atStep: index)`, else nil.
    func step(modelOutput: Tensor, noisy x: Tensor, index: Int, noise: Tensor?) -> Tensor
}

/// Where a sampling run is, reported after each step.
public struct SamplingProgress {
    /// Steps done so far (1 after the first).
    public let completedSteps: Int
    public let totalSteps: Int
    /// The timestep just denoised.
    public let timestep: Int
    /// The sample after this step.
    public let sample: Tensor
}

extension Sampler {
    /// Runs the reverse process from x_T ~ N(0, I) of `shape` [B, …]; x_T and every step's noise are
    /// drawn from `generator`, in that order.
    public func sample(shape: [Int], denoiser: Denoiser, using generator: inout SeededGenerator,
                       progress: (SamplingProgress) throws -> Void = { _ in }) rethrows -> Tensor {
        let start = Tensor.randomNormal(shape, using: &generator)
        return try sample(from: start, denoiser: denoiser, using: &generator, progress: progress)
    }

    /// Runs the reverse process from the given x_T [B, …], without recording gradients.
    public func sample(from start: Tensor, denoiser: Denoiser, using generator: inout SeededGenerator,
                       progress: (SamplingProgress) throws -> Void = { _ in }) rethrows -> Tensor {
        precondition(start.rank >= 1 && start.shape[0] > 0, "sample: x_T needs a non-empty batch, got \(start.shape)")
        return try withoutGradients {
            var x = start
            for (index, t) in timesteps.enumerated() {
                let output = try denoiser(x, [Int](repeating: t, count: x.shape[0]))
                precondition(output.shape == x.shape,
                             "sample: the denoiser returned shape \(output.shape) for input \(x.shape)")
                let noise = addsNoise(atStep: index) ? Tensor.randomNormal(x.shape, using: &generator) : nil
                x = step(modelOutput: output, noisy: x, index: index, noise: noise)
                try progress(SamplingProgress(completedSteps: index + 1, totalSteps: timesteps.count,
                                              timestep: t, sample: x))
            }
            return x
        }
    }
}
