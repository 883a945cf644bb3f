import Datasets
import Diffusion
import Evaluation
import Foundation
import Models
import NN
import Optimizers
import TensorCore
import Visuals

/// Phase two of a latent diffusion model: trains the denoising UNet on a first stage's cached
/// latents (or on images, in pixel space), writing metrics, sample grids, loss curves and
/// checkpoints to a run folder, and resuming exactly from any checkpoint it wrote.
///
/// Each step: labels replaced by the null class with probability `cond_drop_prob`, a timestep and
/// noise per sample, the loss of the UNet's prediction (CompVis `LatentDiffusion.p_losses`), AdamW,
/// EMA. A step whose loss or gradient norm is not finite is skipped and counted; `max_bad_steps` in a
/// row stop the run with `LDMTrainingError.tooManyBadSteps`.
public final class LDMTrainer {
    public let config: LDMRunConfig
    public let run: RunFolder
    public let denoiser: ConditionalDenoiser
    public let trainingSet: DiffusionTrainingSet
    public let space: SampleSpace
    public let schedule: NoiseSchedule
    public internal(set) var step = 0
    /// Steps skipped by the NaN/Inf guard so far, and how many of the latest were in a row.
    public internal(set) var skippedSteps = 0
    public internal(set) var badStepsInARow = 0
    let configYAML: String
    let parameters: [NamedParameter]
    let optimizer: any Optimizer
    let ema: ExponentialMovingAverage?
    let loader: any DiffusionSampleLoader
    private let loss: DiffusionLoss
    /// Draws the conditioning dropout, the timesteps and the noise of each step, in that order.
    var noise: SeededGenerator
    var dropout: SeededGenerator
    var clock = RunClock()

    /// A new run, or the continuation of the one `resumed` was written by.
    /// - Parameter firstStage: the frozen first stage that made the cache (nil in pixel space), for
    ///   the sample grids.
    public init(config: LDMRunConfig, configYAML: String, run: RunFolder, trainingSet: DiffusionTrainingSet,
                firstStage: FirstStage?, resumingFrom resumed: (checkpoint: Checkpoint, file: URL)? = nil) throws {
        try config.train.validate()
        self.config = config
        self.configYAML = configYAML
        self.run = run
        self.trainingSet = trainingSet
        space = SampleSpace(firstStage: firstStage, scaleFactor: trainingSet.scaleFactor)
        schedule = try config.diffusion.makeSchedule()
        loss = try config.diffusion.makeLoss()
        try Self.checkShapes(config, trainingSet)
        var generator = SeededGenerator(seed: config.train.seed)
        denoiser = try ConditionalDenoiser(architecture: config.model, conditioning: config.conditioning,
                                           classes: trainingSet.classNames.count,
                                           tokenizer: try config.conditioning.makeTokenizer(),
                                           frozenTextEncoder: try config.conditioning.makeFrozenTextEncoder(),
                                           generator: &generator)
        let loaderSeed = generator.next()
        noise = generator.split()
        dropout = generator.split()
        parameters = denoiser.namedParameters()
        optimizer = makeOptimizer(parameters, config.train)
        ema = config.train.ema ? ExponentialMovingAverage(parameters: parameters, decay: config.train.emaDecay) : nil
        var loaderState = LoaderState()
        if let (checkpoint, file) = resumed {
            loaderState = try checkpoint.json("loader", as: LoaderState.self, file: file.path)
        }
        loader = try trainingSet.makeLoader(batchSize: config.train.batchSize, seed: loaderSeed, state: loaderState)
        if let (checkpoint, file) = resumed { try restore(checkpoint, file: file) }
    }

    /// Trains until `config.train.steps` or `config.train.max_minutes` (or an interruption), then
    /// writes a final checkpoint.
    /// - Returns: true when the steps or the minutes are done, false when stopped early by Ctrl-C/SIGTERM.
    /// - Throws: `LDMTrainingError.tooManyBadSteps` after `max_bad_steps` non-finite steps in a row
    ///   (after writing a checkpoint of the last good state).
    @discardableResult
    public func train(progress: ProgressReporter? = nil) throws -> Bool {
        let settings = config.train
        let learningRates = learningRateSchedule(settings)
        try run.metrics.truncate(after: step)
        while step < settings.steps && !isOutOfTime {
            if Interruption.isRequested { break }
            optimizer.learningRate = learningRates.learningRate(atStep: step)
            let metrics = try trainingStep()
            step += 1
            progress?.update(step: step, values: [("loss", Double(metrics.loss)), ("skipped", Double(skippedSteps))])
            if step % settings.logEvery == 0 || step == settings.steps { try log(metrics) }
            if badStepsInARow >= max(1, settings.maxBadSteps) {
                try saveCheckpoint()
                throw LDMTrainingError.tooManyBadSteps(count: badStepsInARow, step: step, run: run.url.path)
            }
            if step % settings.imageEvery == 0 || step == settings.steps { try writeSampleGrid() }
            if step % settings.checkpointEvery == 0 { try saveCheckpoint() }
        }
        if isOutOfTime && step % settings.imageEvery != 0 { try writeSampleGrid() }
        try saveCheckpoint()
        return step >= settings.steps || isOutOfTime
    }

    /// Whether the run has used up `train.max_minutes`.
    public var isOutOfTime: Bool { config.train.maxMinutes > 0 && clock.seconds >= config.train.maxMinutes * 60 }

    /// One optimisation step, or a skipped one when the loss or the gradient is not finite.
    private func trainingStep() throws -> (loss: Float, gradientNorm: Float) {
        let (samples, labels, captions) = try loader.nextSamples()
        let conditioning = try trainingConditions(labels: labels, captions: captions)
        let batch = schedule.trainingBatch(start: samples, config.diffusion.parameterization, using: &noise)
        // Every random draw is made for the whole batch above (and the shards' dropout generators are
        // split off before they run), so each shard only slices its samples.
        let sharded = ShardedGradients(batch: samples.shape[0], shards: config.train.shards,
                                       wrt: parameters.map(\.parameter.wrappedValue), splitting: &dropout) { range, generator in
            let timesteps = Array(batch.timesteps[range])
            let output = denoiser(batch.noisy.sliced(axis: 0, range: range), timesteps: timesteps,
                                  conditions: conditioning?.slice(range), dropoutGenerator: &generator)
            let value = loss(output, target: batch.target.sliced(axis: 0, range: range), timesteps: timesteps,
                             schedule: schedule).loss
            return ShardLoss(loss: value, extra: ())
        }
        let (gradients, norm) = clipByGlobalNorm(
            sharded.gradients, maxNorm: config.train.gradientClipNorm > 0 ? config.train.gradientClipNorm : .infinity)
        let scalar = sharded.loss
        guard scalar.isFinite, norm.isFinite else {
            skippedSteps += 1
            badStepsInARow += 1
            return (scalar, norm)
        }
        badStepsInARow = 0
        optimizer.step(gradients)
        ema?.update()
        return (scalar, norm)
    }

    /// The conditions the UNet sees in training: each label replaced by the null class, or each
    /// caption by the empty one, with probability `cond_drop_prob` (one uniform draw per sample from
    /// the noise generator); nil when unconditional.
    private func trainingConditions(labels: [Int]?, captions: [String]?) throws -> Conditions? {
        let dropProbability = config.conditioning.condDropProb
        switch config.conditioning.kind {
        case .none:
            return nil
        case .text:
            guard let captions else { throw LDMTrainingError.uncaptionedSamples(dataset: trainingSet.identity.datasetName) }
            return .captions(captions.map { noise.nextUniform() < dropProbability ? "" : $0 })
        case .class, .classTokens:
            guard let labels, labels.allSatisfy({ (0..<denoiser.classes).contains($0) }) else {
                throw LDMTrainingError.unlabelledSamples(dataset: trainingSet.identity.datasetName)
            }
            return .labels(labels.map { noise.nextUniform() < dropProbability ? denoiser.nullClass : $0 })
        }
    }

    /// Appends a metrics line; a skipped step's loss or gradient norm that is not finite is left out
    /// (JSON has no NaN), its `skipped_steps` count shows it.
    private func log(_ metrics: (loss: Float, gradientNorm: Float)) throws {
        var fields = ["step": Double(step), "time": clock.seconds, "lr": Double(optimizer.learningRate),
                      "skipped_steps": Double(skippedSteps)]
        if metrics.loss.isFinite { fields["loss"] = Double(metrics.loss) }
        if metrics.gradientNorm.isFinite { fields["grad_norm"] = Double(metrics.gradientNorm) }
        try run.metrics.append(fields)
    }

    /// Runs `body` with the weights sampling and evaluation should see: the moving average when kept.
    public func withEvaluationWeights<R>(_ body: () throws -> R) rethrows -> R {
        guard let ema else { return try body() }
        return try ema.withAveragedWeights(body)
    }

    /// The sample drawer over the current (not averaged) weights.
    public var drawing: SampleDrawing {
        SampleDrawing(denoiser: denoiser, space: space, sampleShape: trainingSet.sampleShape, schedule: schedule,
                      parameterization: config.diffusion.parameterization)
    }

    /// A grid of `preview_per_class` samples per class (one row each; for captions, per each of the
    /// training set's first eight distinct captions) from the EMA weights, with a few DDIM steps and
    /// fixed seeds, so successive grids show the same draws improving.
    private func writeSampleGrid() throws {
        let sampling = config.sampling
        let perRow = max(1, sampling.previewPerClass)
        let conditions: Conditions?
        switch config.conditioning.kind {
        case .none: conditions = nil
        case .class, .classTokens: conditions = .labels((0..<denoiser.classes).flatMap { [Int](repeating: $0, count: perRow) })
        case .text: conditions = .captions(trainingSet.previewCaptions(8).flatMap { [String](repeating: $0, count: perRow) })
        }
        let count = conditions?.count ?? perRow
        let sampler = try DDIMSampler(schedule: schedule, parameterization: config.diffusion.parameterization,
                                      steps: min(sampling.previewSteps, schedule.timestepCount))
        let images = try withEvaluationWeights {
            try drawing.images(seeds: (0..<count).map { config.train.seed &+ UInt64($0) }, conditions: conditions,
                               sampler: sampler, guidance: sampling.guidance, batchSize: sampling.batchSize)
        }
        try ImageGrid(columns: perRow, scale: images.shape[2] < 64 ? 2 : 1).write(images, to: run.imageFile(step: step))
    }

    /// Writes a checkpoint of the current step and refreshes the loss curve.
    public func saveCheckpoint() throws {
        try CheckpointStore(folder: run.checkpointsFolder, keep: config.train.keepCheckpoints)
            .save(try makeCheckpoint(), step: step)
        let series = run.metrics.series(["loss"]).map { name, points in
            ChartSeries(name: name, steps: points.map(\.step), values: points.map(\.value))
        }
        guard !series.isEmpty, series[0].values.contains(where: { $0.isFinite && $0 > 0 }) else { return }
        try LineChart(series: series, title: "train-ldm \(config.isLatent ? "latent" : "pixel") diffusion",
                      yLabel: "loss", logarithmicY: true).write(to: run.lossCurve)
    }

    /// Checks that the model's input and output channels fit the samples.
    private static func checkShapes(_ config: LDMRunConfig, _ trainingSet: DiffusionTrainingSet) throws {
        let channels = trainingSet.sampleShape[0]
        for (key, value) in [("model.in_channels", config.model.inChannels), ("model.out_channels", config.model.outChannels)]
            where value != channels {
            throw LDMConfigError(key: key, message: "is \(value), but the \(config.isLatent ? "latents" : "images") "
                                 + "have \(channels) channels (shape \(trainingSet.sampleShape))")
        }
        let factor = config.model.downsamplingFactor
        guard trainingSet.sampleShape[1] % factor == 0, trainingSet.sampleShape[2] % factor == 0 else {
            throw LDMConfigError(key: "model.channel_mult", message: "downsamples by \(factor), which does not divide "
                                 + "the samples' size \(trainingSet.sampleShape[1])×\(trainingSet.sampleShape[2])")
        }
    }
}

/// Why diffusion training stopped or cannot go on.
public enum LDMTrainingError: Error, Equatable, CustomStringConvertible {
    /// `count` steps in a row had a loss or gradient that is not finite.
    case tooManyBadSteps(count: Int, step: Int, run: String)
    /// Class conditioning on samples without a class.
    case unlabelledSamples(dataset: String)
    /// Text conditioning on samples without captions.
    case uncaptionedSamples(dataset: String)

    public var description: String {
        switch self {
        case let .tooManyBadSteps(count, step, run):
            "stopped at step \(step): the last \(count) steps had a loss or gradient that is NaN or infinite "
                + "(train.max_bad_steps); each was skipped. Lower train.learning_rate or set train.gradient_clip_norm, "
                + "then resume from \(run)"
        case let .unlabelledSamples(dataset):
            "\(dataset): class conditioning needs a class for every sample, but some have none"
        case let .uncaptionedSamples(dataset):
            "\(dataset): text conditioning needs a caption for every sample, but this data has none "
                + "(captions come from data.source emoji, or a folder's metadata.jsonl or .txt files)"
        }
    }
}
