import Foundation
import Diffusion
import Models
import NN
import Optimizers
import TensorCore
import Training

/// `unet-step`: one training step of the latent UNet on 4×16×16 latents, as torch_ref.py's
/// `case_unet_step` (UNET_LATENT_CONFIG).
func unetStepCase(_ size: BenchSize) -> BenchmarkCase {
    unetTrainingCase(name: "unet-step", architecture: benchmarkUNet(pixel: false, checkpointed: size.useCheckpoint),
                     sampleShape: [4, size.latentSize, size.latentSize], batch: size.batch(default: 8), shards: size.shards,
                     defaultSteps: 15)
}

/// `unet-pixel-step`: the same UNet in pixel space on 3×64×64 images, one level deeper, as
/// torch_ref.py's `case_unet_pixel_step` (UNET_PIXEL_CONFIG).
func unetPixelStepCase(_ size: BenchSize) -> BenchmarkCase {
    unetTrainingCase(name: "unet-pixel-step", architecture: benchmarkUNet(pixel: true, checkpointed: size.useCheckpoint),
                     sampleShape: [3, size.imageSize, size.imageSize], batch: size.batch(default: 8), shards: size.shards,
                     defaultSteps: 10)
}

/// torch_ref.py's UNET_LATENT_CONFIG or UNET_PIXEL_CONFIG: 64 channels, 2 residual blocks per level,
/// 32-channel heads, cross-attention to a 128-wide context; `checkpointed` sets `use_checkpoint`.
func benchmarkUNet(pixel: Bool, checkpointed: Bool = false) -> UNetArchitecture {
    var a = UNetArchitecture()
    a.useCheckpoint = checkpointed
    (a.inChannels, a.outChannels) = pixel ? (3, 3) : (4, 4)
    (a.modelChannels, a.residualBlocks) = (64, 2)
    a.attentionResolutions = pixel ? [4, 8] : [2, 4]
    a.channelMultipliers = pixel ? [1, 2, 2, 2] : [1, 2, 2]
    (a.numHeads, a.numHeadChannels, a.transformerDepth, a.contextDimension) = (-1, 32, 1, 128)
    return a
}

/// torch_ref.py's `_unet_train_case` (BENCH.md: batch 8): a 10-class ClassContext of 8 tokens × 128, and per
/// step random timesteps and noise, x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε, the MSE of the UNet's ε
/// prediction, and Adam (lr 1e-4) over the UNet's and the class table's parameters; the batch in
/// `shards` shards side by side, as the trainers run it.
private func unetTrainingCase(name: String, architecture: UNetArchitecture, sampleShape: [Int], batch: Int, shards: Int,
                              defaultSteps: Int) -> BenchmarkCase {
    let (classes, tokens, timesteps) = (10, 8, 1000)
    var generator = SeededGenerator(seed: 0)
    let unet = try! UNetModel(architecture, generator: &generator)  // a fixed, valid architecture
    let classContext = ClassContext(classes: classes, tokens: tokens, dimension: 128, generator: &generator)
    let parameters = unet.namedParameters().map { (key: "unet.\($0.key)", parameter: $0.parameter) }
        + classContext.namedParameters().map { (key: "context.\($0.key)", parameter: $0.parameter) }
    let optimizer = Adam(parameters: parameters, learningRate: 1e-4)
    // torch_ref.py's make_schedule: CompVis `linear`, β from 0.0015 to 0.0155.
    let schedule = try! NoiseSchedule(NoiseScheduleConfig(kind: .linear, timesteps: timesteps,
                                                          linearStart: 0.0015, linearEnd: 0.0155))
    let x0 = Tensor.randomNormal([batch] + sampleShape, using: &generator)
    let labels = (0..<batch).map { _ in Int.random(in: 0..<classes, using: &generator) }

    let step = {
        let t = (0..<batch).map { _ in Int.random(in: 0..<timesteps, using: &generator) }
        let noise = Tensor.randomNormal(x0.shape, using: &generator)
        let noisy = schedule.noised(x0, noise: noise, timesteps: t)
        let sharded = ShardedGradients(batch: batch, shards: shards, wrt: parameters.map { $0.parameter.wrappedValue }) {
            range in
            let prediction = unet(noisy.sliced(axis: 0, range: range), timesteps: Array(t[range]),
                                  context: classContext(Array(labels[range])))
            return ShardLoss(loss: mseLoss(prediction, noise.sliced(axis: 0, range: range)), extra: ())
        }
        optimizer.step(sharded.gradients)
    }

    let flops = UNetFlops(architecture: architecture, batch: batch, contextTokens: tokens)
    let (height, width) = (sampleShape[1], sampleShape[2])
    return BenchmarkCase(steps: [TimedStep(
        name: name, batch: batch, parameterCount: unet.parameterCount + classContext.parameterCount,
        flopsPerStep: flops.trainingStep(height: height, width: width),
        extra: ["params_unet": unet.parameterCount, "params_class_embedding": classContext.parameterCount,
                "flops_source": "analytic (conv, linear and attention products, as torch's FlopCounterMode)",
                "flops_forward_only": flops.forward(height: height, width: width)],
        defaultSteps: defaultSteps, step: step)])
}
