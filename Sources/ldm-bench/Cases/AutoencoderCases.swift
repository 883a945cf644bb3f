import Models
import NN
import Optimizers
import TensorCore
import Training

/// torch_ref.py's AE_CONFIG: AutoencoderKL f = 4 on 3×64×64, ch 64, ch_mult [1, 2, 2], one res block, z 4.
private func benchmarkAutoencoder(imageSize: Int) -> AutoencoderArchitecture {
    var a = AutoencoderArchitecture()
    a.channels = 64
    a.channelMultipliers = [1, 2, 2]
    a.residualBlocks = 1
    a.inChannels = 3
    a.outChannels = 3
    a.resolution = imageSize
    a.zChannels = 4
    a.embedDimension = 4
    return a
}

/// `ae-kl-step`: one training step of the KL autoencoder, batch 4, L1 + 1e-6·KL, Adam 1e-4, the batch
/// in `size.shards` shards side by side as the trainers run it
/// (torch_ref.py `case_ae_kl_step`). FLOPs as torch's FlopCounterMode counts them (BENCH.md), at
/// BENCH.md's resolution only (the mid-block attention does not scale with the pixels).
func autoencoderStepCase(_ size: BenchSize) -> BenchmarkCase {
    var generator = SeededGenerator(seed: 0)
    let model = AutoencoderKL(benchmarkAutoencoder(imageSize: size.imageSize), generator: &generator)
    let parameters = model.namedParameters()
    let optimizer = Adam(parameters: parameters, learningRate: 1e-4)
    let batch = size.batch(default: 4)
    let x = Tensor.randomUniform([batch, 3, size.imageSize, size.imageSize], low: -1, high: 1, using: &generator)
    var noise = generator.split()
    let step = TimedStep(name: "ae-kl-step", batch: batch, parameterCount: model.parameterCount,
                         flopsPerStep: size.hasStandardResolution ? 80.9e9 * Double(batch) / 4 : nil,
                         extra: ["flops_source": "torch FlopCounterMode (BENCH.md)"], defaultSteps: 12) {
        let sharded = ShardedGradients(batch: batch, shards: size.shards, wrt: parameters.map(\.parameter.wrappedValue),
                                       splitting: &noise) { range, generator in
            let images = x.sliced(axis: 0, range: range)
            let (reconstruction, posterior) = model(images, samplePosterior: true, generator: &generator)
            return ShardLoss(loss: (images - reconstruction).abs().mean()
                + 1e-6 * posterior.klDivergence().sum() / Float(range.count), extra: ())
        }
        optimizer.step(sharded.gradients)
    }
    return BenchmarkCase(steps: [step])
}

/// `ae-kl-encode`: the encoder alone (posterior mode), no gradients, batch 16 (torch_ref.py `case_ae_kl_encode`).
func autoencoderEncodeCase(_ size: BenchSize) -> BenchmarkCase {
    var generator = SeededGenerator(seed: 0)
    let model = AutoencoderKL(benchmarkAutoencoder(imageSize: size.imageSize), generator: &generator)
    model.eval()
    let batch = size.batch(default: 16)
    let x = Tensor.randomUniform([batch, 3, size.imageSize, size.imageSize], low: -1, high: 1, using: &generator)
    let encoderParameters = model.namedParameters().filter { $0.key.hasPrefix("encoder.") || $0.key.hasPrefix("quantConv.") }
    let step = TimedStep(name: "ae-kl-encode", batch: batch,
                         parameterCount: encoderParameters.reduce(0) { $0 + $1.parameter.wrappedValue.count },
                         flopsPerStep: size.hasStandardResolution ? 28.2e9 * Double(batch) / 16 : nil,
                         extra: ["flops_source": "torch FlopCounterMode (BENCH.md)"],
                         defaultSteps: 20) {
        _ = withoutGradients { model.encode(x).mean }
    }
    return BenchmarkCase(steps: [step])
}
