import Datasets
import Evaluation
import Foundation
import Models
import NN
import Optimizers
import TensorCore
import Visuals

/// Phase one of a latent diffusion model: trains a first-stage autoencoder on a dataset, writing
/// metrics, picture grids, loss curves and checkpoints to a run folder, and resuming exactly from
/// any checkpoint it wrote.
public final class AutoencoderTrainer {
    public let config: AutoencoderRunConfig
    public let run: RunFolder
    public let firstStage: FirstStage
    public private(set) var step = 0
    private let configYAML: String
    private let parameters: [NamedParameter]
    private let optimizer: any Optimizer
    private let ema: ExponentialMovingAverage?
    private let loader: DataLoader
    private var noise: SeededGenerator
    /// The perceptual distance of the loss, when `loss.perceptual_weight` > 0.
    private let perceptual: ImageDistance?
    /// The discriminator and its optimizer, when `loss.disc_weight` > 0.
    private let adversarial: AdversarialTraining?
    private var clock = RunClock()

    /// A new run, or the continuation of the one `checkpoint` was written by.
    /// - Parameter perceptual: the perceptual distance of the loss; required when `loss.perceptual_weight` > 0.
    public init(config: AutoencoderRunConfig, configYAML: String, run: RunFolder, trainingData: any ImageDataset,
                perceptual: ImageDistance? = nil,
                resumingFrom resumed: (checkpoint: Checkpoint, file: URL)? = nil) throws {
        try config.train.validate()
        try config.loss.validate()
        if config.loss.isAdversarial {
            try PatchDiscriminator.checkImageSize(config.data.imageSize, depth: config.loss.discNumLayers)
        }
        if config.loss.perceptualWeight > 0 && perceptual == nil {
            throw TrainingConfigError(key: "loss.perceptual_weight", message: "is above 0, but no perceptual network was given")
        }
        self.perceptual = perceptual
        self.config = config
        self.configYAML = configYAML
        self.run = run
        var generator = SeededGenerator(seed: config.train.seed)
        firstStage = FirstStage.build(config.model, generator: &generator)
        let loaderSeed = generator.next()
        noise = generator.split()
        if config.loss.isAdversarial {
            var discriminatorGenerator = generator.split()
            adversarial = AdversarialTraining(config: config.loss, imageChannels: config.model.architecture.inChannels,
                                              learningRate: config.train.learningRate, generator: &discriminatorGenerator)
        } else {
            adversarial = nil
        }
        parameters = firstStage.module.namedParameters()
        optimizer = makeOptimizer(parameters, config.train)
        ema = config.train.ema ? ExponentialMovingAverage(parameters: parameters, decay: config.train.emaDecay) : nil

        var loaderState = LoaderState()
        if let (checkpoint, file) = resumed {
            loaderState = try checkpoint.json("loader", as: LoaderState.self, file: file.path)
        }
        loader = try DataLoader(dataset: trainingData, batchSize: config.train.batchSize, seed: loaderSeed,
                                state: loaderState)
        if let (checkpoint, file) = resumed { try restore(checkpoint, file: file) }
    }

    /// Runs `body` with the weights evaluation should see: the moving average when the run keeps one.
    public func withEvaluationWeights<R>(_ body: () throws -> R) rethrows -> R {
        guard let ema else { return try body() }
        return try ema.withAveragedWeights(body)
    }

    /// Training files found unreadable so far (skipped with a warning).
    public var skippedFiles: [String] { loader.dataset.skippedFiles }

    /// Trains until `config.train.steps` (or an interruption), then writes a final checkpoint.
    /// - Returns: true when all steps are done, false when stopped early by Ctrl-C/SIGTERM.
    @discardableResult
    public func train(progress: ProgressReporter? = nil) throws -> Bool {
        let settings = config.train
        let schedule = learningRateSchedule(settings)
        try run.metrics.truncate(after: step)
        while step < settings.steps {
            if Interruption.isRequested { break }
            let batch = try loader.next()
            optimizer.learningRate = schedule.learningRate(atStep: step)
            let factor = discriminatorFactor(step: step, start: config.loss.discStart, factor: config.loss.discFactor)
            let generatorStep = GeneratorStep(
                firstStage: firstStage, images: batch.images, parameters: parameters.map(\.parameter.wrappedValue),
                loss: config.loss, perceptual: perceptual,
                adversary: adversarial.flatMap { factor > 0 ? .init(discriminator: $0.discriminator, factor: factor,
                                                                      discWeight: config.loss.discWeight) : nil },
                shards: settings.shards, noise: &noise)
            let reconstruction = generatorStep.reconstruction
            let (gradients, gradientNorm) = clipByGlobalNorm(
                generatorStep.gradients, maxNorm: settings.gradientClipNorm > 0 ? settings.gradientClipNorm : .infinity)
            optimizer.step(gradients)
            ema?.update()
            var logged = generatorStep.metrics
            if let adversarial {
                logged.set("disc_factor", factor)
                if factor > 0 {
                    let discriminatorMetrics = adversarial.step(images: batch.images, reconstructions: reconstruction,
                                                                factor: factor, learningRate: optimizer.learningRate,
                                                                shards: settings.shards)
                    for (name, value) in discriminatorMetrics.entries { logged.set(name, value) }
                }
            }
            step += 1
            logged.set("lr", optimizer.learningRate)
            logged.set("grad_norm", gradientNorm)
            logged.set("skipped_files", Float(loader.dataset.skippedFiles.count))
            progress?.update(step: step, values: logged.entries.filter { !["lr", "skipped_files"].contains($0.name) }
                .map { ($0.name, Double($0.value)) })
            if step % settings.logEvery == 0 || step == settings.steps { try log(logged) }
            if step % settings.imageEvery == 0 || step == settings.steps {
                try writeComparison(batch.images, withoutGradients { reconstruction.detached() })
            }
            if step % settings.checkpointEvery == 0 { try saveCheckpoint() }
        }
        try saveCheckpoint()
        return step >= settings.steps
    }

    /// Writes a checkpoint of the current step and refreshes the loss curve.
    public func saveCheckpoint() throws {
        try CheckpointStore(folder: run.checkpointsFolder, keep: config.train.keepCheckpoints)
            .save(try makeCheckpoint(), step: step)
        try writeLossCurve()
    }

    /// Everything needed to resume: weights, EMA, optimizer, step, data position, generator, config.
    public func makeCheckpoint() throws -> Checkpoint {
        var checkpoint = Checkpoint.training(kind: firstStage.kindName, model: firstStage.module, optimizer: optimizer,
                                             ema: ema, step: step, seconds: clock.seconds, configYAML: configYAML)
        try checkpoint.storeJSON("architecture", config.model.architecture)
        try checkpoint.storeJSON("loader", loader.state)
        try checkpoint.storeJSON("noise", noise.state)
        adversarial?.store(in: &checkpoint)
        return checkpoint
    }

    private func restore(_ checkpoint: Checkpoint, file: URL) throws {
        try checkpoint.checkKind(firstStage.kindName, file: file.path)
        try checkpoint.loadWeights(into: firstStage.module, file: file.path)
        step = try checkpoint.restoreTrainingState(optimizer: optimizer, ema: ema, clock: &clock, file: file.path)
        noise = SeededGenerator(state: try checkpoint.json("noise", as: [UInt64].self, file: file.path))
        try adversarial?.restore(from: checkpoint, file: file.path)
    }

    private func log(_ metrics: StepMetrics) throws {
        var fields: [String: Double] = ["step": Double(step), "time": clock.seconds]
        for (name, value) in metrics.entries { fields[name] = Double(value) }
        try run.metrics.append(fields)
    }

    private func writeComparison(_ originals: Tensor, _ reconstructions: Tensor) throws {
        let shown = min(originals.shape[0], 16)
        try ImageGrid(columns: 8, scale: originals.shape[2] < 64 ? 2 : 1).writeComparison(
            originals: originals.sliced(axis: 0, range: 0..<shown),
            reconstructions: reconstructions.clamped(min: -1, max: 1).sliced(axis: 0, range: 0..<shown),
            to: run.imageFile(step: step))
    }

    private func writeLossCurve() throws {
        let series = run.metrics.series(["rec_loss", "p_loss", "kl_loss", "quant_loss"]).map { name, points in
            ChartSeries(name: name, steps: points.map(\.step), values: points.map(\.value))
        }
        guard !series.isEmpty else { return }
        try LineChart(series: series, title: "train-ae \(firstStage.kindName)", yLabel: "loss",
                      logarithmicY: true).write(to: run.lossCurve)
    }
}

/// Adam, or AdamW when the configuration asks for weight decay.
func makeOptimizer(_ parameters: [NamedParameter], _ settings: TrainingConfig) -> any Optimizer {
    let betas = (settings.betas.first ?? 0.9, settings.betas.dropFirst().first ?? 0.999)
    if settings.weightDecay > 0 {
        return AdamW(parameters: parameters, learningRate: settings.learningRate, betas: betas,
                     weightDecay: settings.weightDecay)
    }
    return Adam(parameters: parameters, learningRate: settings.learningRate, betas: betas)
}

/// The configured learning-rate schedule.
func learningRateSchedule(_ settings: TrainingConfig) -> LearningRateSchedule {
    let peak = settings.learningRate
    let minimum = peak * settings.finalLearningRateFraction
    switch settings.schedule {
    case .constant:
        return settings.warmupSteps > 0 ? .linearWarmup(peak: peak, warmupSteps: settings.warmupSteps) : .constant(peak)
    case .cosine:
        return .cosineDecay(peak: peak, minimum: minimum, warmupSteps: settings.warmupSteps, totalSteps: settings.steps)
    case .linear:
        return .linearDecay(peak: peak, minimum: minimum, warmupSteps: settings.warmupSteps, totalSteps: settings.steps)
    }
}
