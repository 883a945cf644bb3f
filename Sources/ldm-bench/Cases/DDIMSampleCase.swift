import Diffusion
import Models
import NN
import TensorCore

/// `ddim-sample`: 50 DDIM steps (η 0) with classifier-free guidance for 8 latents of 4×16×16, each
/// UNet call on the doubled batch of 16 (unconditional context of zeros, then the class tokens), as
/// torch_ref.py's `case_ddim_sample` (UNET_LATENT_CONFIG, β from 0.0015 to 0.0155); the batch in
/// `size.shards` shards side by side, as train-ldm samples.
func ddimSampleCase(_ size: BenchSize) -> BenchmarkCase {
    let (batch, classes, tokens, steps, scale) = (size.batch(default: 8), 10, 8, 50, 3.0)
    let side = size.latentSize
    var generator = SeededGenerator(seed: 0)
    let architecture = benchmarkUNet(pixel: false)
    let unet = try! UNetModel(architecture, generator: &generator)  // a fixed, valid architecture
    unet.eval()
    // As the reference: the zero-initialised convolutions get N(0, 0.02) weights, so ε̂ ≠ 0.
    for (_, parameter) in unet.namedParameters() where parameter.wrappedValue.scalars.allSatisfy({ $0 == 0 }) {
        parameter.wrappedValue = Tensor.randomNormal(parameter.wrappedValue.shape, standardDeviation: 0.02,
                                                     using: &generator)
    }
    let classContext = ClassContext(classes: classes, tokens: tokens, dimension: 128, generator: &generator)
    let schedule = try! NoiseSchedule(NoiseScheduleConfig(kind: .linear, timesteps: 1000,
                                                          linearStart: 0.0015, linearEnd: 0.0155))
    let sampler = try! DDIMSampler(schedule: schedule, parameterization: .eps, steps: steps)
    let labels = (0..<batch).map { _ in Int.random(in: 0..<classes, using: &generator) }

    let halves = shardRanges(count: batch, shards: size.shards)
    let step = {
        let start = Tensor.randomNormal([batch, 4, side, side], using: &generator)
        // Each shard of the batch runs the whole reverse process on its own core, as train-ldm samples.
        _ = withoutGradients {
            mapShards(halves.count) { half in
                let range = halves[half]
                let conditional = classContext(Array(labels[range]))
                let context = Tensor.concatenate([Tensor.zeros(conditional.shape), conditional], axis: 0)
                let guided = classifierFreeGuidance(scale: scale) { x, t in unet(x, timesteps: t, context: context) }
                var stepNoise = SeededGenerator(seed: UInt64(half))  // unused by DDIM η 0
                // The guided denoiser never throws.
                return try! sampler.sample(from: start.sliced(axis: 0, range: range), denoiser: guided, using: &stepNoise)
            }
        }
    }
    let flops = UNetFlops(architecture: architecture, batch: 2 * batch, contextTokens: tokens)
    return BenchmarkCase(steps: [TimedStep(
        name: "ddim-sample", batch: batch, parameterCount: unet.parameterCount + classContext.parameterCount,
        flopsPerStep: Double(sampler.timesteps.count) * flops.forward(height: side, width: side),
        extra: ["ddim_steps": steps, "cfg_scale": scale, "unet_batch": 2 * batch,
                "flops_source": "analytic (conv, linear and attention products, as torch's FlopCounterMode)"],
        defaultSteps: 10, step: step)])
}
