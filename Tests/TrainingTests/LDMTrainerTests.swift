import Configuration
import Datasets
import Foundation
import Models
import TensorCore
import Training
import XCTest

final class LDMTrainerTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryFolder("ldm-trainer") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func trainer(_ config: LDMRunConfig, on set: DiffusionTrainingSet, firstStage: FirstStage? = nil,
                         run name: String, resuming: (checkpoint: Checkpoint, file: URL)? = nil) throws -> LDMTrainer {
        try LDMTrainer(config: config, configYAML: try ConfigLoader.yaml(of: config),
                       run: try RunFolder(url: folder.appendingPathComponent(name)), trainingSet: set,
                       firstStage: firstStage, resumingFrom: resuming)
    }

    private func pixels(_ dataset: any ImageDataset = SyntheticImages()) throws -> DiffusionTrainingSet {
        try DiffusionTrainingSet(images: dataset, transform: "none")
    }

    /// A cache of the tiny KL first stage's latents (2×16×16) of `count` synthetic images (or of `dataset`).
    private func latents(count: Int = 12, of dataset: (any ImageDataset)? = nil) throws -> (DiffusionTrainingSet, FirstStage) {
        let firstStage = tinyFirstStage(.kl)
        let url = folder.appendingPathComponent("cache-\(count)-\(dataset?.name ?? "synthetic").h5")
        try LatentCache.build(firstStage: firstStage, dataset: dataset ?? SyntheticImages(count: count), transform: "none",
                              to: url, batchSize: 4)
        return (DiffusionTrainingSet(cache: try LatentCache(contentsOf: url), useMean: false), firstStage)
    }

    /// The mean ε-MSE over the first 8 images at fixed timesteps and noise.
    private func fixedLoss(_ trainer: LDMTrainer) throws -> Float {
        let dataset = SyntheticImages()
        var generator = SeededGenerator(seed: 99)
        let images = Tensor.concatenate(try (0..<8).map {
            try dataset.sample(at: $0, generator: &generator).image.unsqueezed(axis: 0)
        }, axis: 0)
        let timesteps = (0..<8).map { $0 * 12 + 3 }
        let noise = Tensor.randomNormal(images.shape, using: &generator)
        let noisy = trainer.schedule.noised(images, noise: noise, timesteps: timesteps)
        return withoutGradients {
            mseLoss(trainer.denoiser(noisy, timesteps: timesteps, conditions: .labels((0..<8).map { $0 % 2 })), noise).scalar
        }
    }

    func testPixelSpaceTrainingLowersTheLossAndWritesTheRun() throws {
        var config = tinyLDMConfig()
        config.train.steps = 30
        config.train.imageEvery = 30
        let trainer = try trainer(config, on: try pixels(), run: "pixels")
        let before = try fixedLoss(trainer)
        XCTAssertEqual(before, 1, accuracy: 0.3, "the zero-initialised UNet predicts ε̂ = 0")
        try trainer.train()
        let after = try fixedLoss(trainer)
        XCTAssertLessThan(after, 0.7 * before, "30 steps should lower the ε-MSE at fixed noise")
        let entries = trainer.run.metrics.entries()
        XCTAssertEqual(entries.count, 30)
        for key in ["step", "time", "loss", "lr", "grad_norm", "skipped_steps"] {
            XCTAssertNotNil(entries.first?[key], "metrics.jsonl lacks \(key)")
        }
        XCTAssertTrue(entries.allSatisfy { $0["loss"]!.isFinite && $0["skipped_steps"] == 0 })
        XCTAssertTrue(FileManager.default.fileExists(atPath: trainer.run.imageFile(step: 30).path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: trainer.run.lossCurve.path))
    }

    /// `train.max_minutes` stops a run before its steps, with a checkpoint and a sample grid.
    func testMaxMinutesStopsTheRunEarly() throws {
        var config = tinyLDMConfig()
        config.train.steps = 1_000_000
        config.train.maxMinutes = 0.02
        let trainer = try trainer(config, on: try pixels(), run: "timed")
        XCTAssertTrue(try trainer.train())
        XCTAssertTrue(trainer.isOutOfTime)
        XCTAssertGreaterThan(trainer.step, 0)
        XCTAssertLessThan(trainer.step, 1_000_000)
        XCTAssertTrue(FileManager.default.fileExists(atPath: trainer.run.imageFile(step: trainer.step).path))
        XCTAssertEqual(try CheckpointStore.load(trainer.run.url).checkpoint.string("step", file: "last"), "\(trainer.step)")
    }

    /// N steps, a checkpoint, a restart, M more steps: bit-identical to N + M, on posterior samples
    /// of a latent cache with class dropout and EMA.
    func testLatentResumeIsBitExact() throws { try assertLatentResumeIsExact(tinyLDMConfig(channels: 2), on: try latents()) }

    /// The same with captions, through the text encoder trained with the UNet: its weights are in the
    /// optimizer, the moving average and the checkpoint, and they train.
    func testTextConditionedResumeIsBitExactAndTrainsTheEncoder() throws {
        let (set, firstStage) = try latents(of: CaptionedWaves())
        try assertLatentResumeIsExact(tinyTextLDMConfig(channels: 2), on: (set, firstStage))
        let trained = try CheckpointStore.load(folder.appendingPathComponent("straight")).checkpoint
        let tokens = try XCTUnwrap(trained.tensors["model.textConditioner.encoder.tokenEmbedding.weight"])
        XCTAssertNotNil(trained.tensors["ema.shadow.textConditioner.encoder.tokenEmbedding.weight"])
        var generator = SeededGenerator(seed: tinyTextLDMConfig().train.seed)
        let fresh = try ConditionalDenoiser(architecture: tinyTextLDMConfig(channels: 2).model,
                                            conditioning: tinyTextLDMConfig().conditioning, classes: 2,
                                            tokenizer: try tinyTextLDMConfig().conditioning.makeTokenizer(),
                                            generator: &generator)
        let initial = fresh.stateDict()["textConditioner.encoder.tokenEmbedding.weight"]!
        XCTAssertNotEqual(tokens.scalars, initial.scalars, "the text encoder's token table should have trained")
    }

    /// The frozen all-MiniLM-L6-v2 as the text encoder: training resumes exactly (its states are
    /// computed per caption, whatever shares the batch), and its weights stay out of the checkpoint.
    func testFrozenMiniLMConditioningResumesExactlyAndIsNotSaved() throws {
        var config = tinyTextLDMConfig(channels: 2)
        config.conditioning.text.encoder = .minilm
        config.model.contextDimension = 384
        try assertLatentResumeIsExact(config, on: try latents(of: CaptionedWaves()))
        let saved = try CheckpointStore.load(folder.appendingPathComponent("straight")).checkpoint
        let modelKeys = saved.tensors.keys.filter { $0.hasPrefix("model.") }
        XCTAssertFalse(modelKeys.isEmpty)
        XCTAssertFalse(modelKeys.contains { $0.contains("frozenText") || $0.contains("textConditioner") }, "\(modelKeys)")
        var narrow = tinyTextLDMConfig()
        narrow.conditioning.text.encoder = .minilm
        XCTAssertThrowsError(try trainer(narrow, on: try pixels(CaptionedWaves()), run: "narrow")) {
            XCTAssertTrue("\($0)".contains("model.context_dim") && "\($0)".contains("384"), "\($0)")
        }
    }

    /// `train-ldm sample --prompt …` on a text-conditional model: one row per caption, the captions in
    /// samples.jsonl; a missing caption, or captions for a class model, are clear errors.
    func testSamplingFromCaptions() throws {
        var config = tinyTextLDMConfig()
        config.train.steps = 2
        let trainer = try trainer(config, on: try pixels(CaptionedWaves()), run: "text")
        try trainer.train()
        var request = LDMJobs.SampleRequest()
        (request.count, request.steps, request.prompts) = (2, 2, ["smooth waves number 1", "slanted stripes"])
        let out = folder.appendingPathComponent("samples")
        let files = try LDMJobs.sample(checkpoint: trainer.run.url, request: request, output: out)
        XCTAssertEqual(files.count, 4)
        let captions = try String(contentsOf: out.appendingPathComponent("samples.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["caption"] as? String }
        XCTAssertEqual(captions, ["smooth waves number 1", "smooth waves number 1", "slanted stripes", "slanted stripes"])

        request.prompts = []
        XCTAssertThrowsError(try LDMJobs.sample(checkpoint: trainer.run.url, request: request, output: out)) {
            XCTAssertTrue("\($0)".contains("--prompt"), "\($0)")
        }
        let classModel = try self.trainer(tinyLDMConfig(), on: try pixels(), run: "class")
        try classModel.train()
        request.prompts = ["a caption"]
        XCTAssertThrowsError(try LDMJobs.sample(checkpoint: classModel.run.url, request: request, output: out)) {
            XCTAssertTrue("\($0)".contains("not text-conditional"), "\($0)")
        }
    }

    private func assertLatentResumeIsExact(_ base: LDMRunConfig, on data: (DiffusionTrainingSet, FirstStage)) throws {
        let (set, firstStage) = data
        var config = base
        config.firstStage.checkpoint = "unused-in-this-test"
        config.conditioning.condDropProb = 0.5
        config.model.dropout = 0.1
        config.train.steps = 5
        let straight = try trainer(config, on: set, firstStage: firstStage, run: "straight")
        try straight.train()
        config.train.steps = 3
        try trainer(config, on: set, firstStage: firstStage, run: "split").train()
        config.train.steps = 5
        let resumed = try trainer(config, on: set, firstStage: firstStage, run: "split",
                                  resuming: try CheckpointStore.load(folder.appendingPathComponent("split")))
        XCTAssertEqual(resumed.step, 3)
        try resumed.train()
        let a = try straight.makeCheckpoint(), b = try resumed.makeCheckpoint()
        XCTAssertEqual(a.tensors.keys.sorted(), b.tensors.keys.sorted())
        for (key, value) in a.tensors { XCTAssertEqual(value.scalars, b.tensors[key]!.scalars, "\(key) differs after resuming") }
        for key in ["loader", "noise", "dropout", "scale_factor", "data_identity"] {
            XCTAssertEqual(a.metadata[key], b.metadata[key], key)
        }
        XCTAssertEqual(RunFolder.metricsSteps(folder.appendingPathComponent("split")), [1, 2, 3, 4, 5])
    }

    func testNonFiniteStepsAreSkippedCountedAndStopTheRunAfterK() throws {
        var config = tinyLDMConfig()
        config.train.maxBadSteps = 3
        config.train.steps = 2
        let poisoned = try pixels(PoisonedImages(firstBad: 0))
        let skipping = try trainer(config, on: poisoned, run: "skip")
        let initial = skipping.denoiser.stateDict()
        try skipping.train()
        XCTAssertEqual(skipping.skippedSteps, 2)
        XCTAssertEqual(skipping.run.metrics.entries().last?["skipped_steps"], 2)
        for (key, value) in skipping.denoiser.stateDict() {
            XCTAssertEqual(value.scalars, initial[key]!.scalars, "\(key) changed in a skipped step")
        }

        config.train.steps = 10
        let stopping = try trainer(config, on: poisoned, run: "stop")
        XCTAssertThrowsError(try stopping.train()) { error in
            XCTAssertEqual(error as? LDMTrainingError, .tooManyBadSteps(count: 3, step: 3, run: stopping.run.url.path))
            XCTAssertTrue("\(error)".contains("NaN or infinite (train.max_bad_steps)"), "\(error)")
        }
        XCTAssertEqual(stopping.step, 3)
    }

    func testResumingOnAnotherCacheIsRefused() throws {
        let (set, firstStage) = try latents(count: 12)
        var config = tinyLDMConfig(channels: 2)
        config.train.steps = 1
        try trainer(config, on: set, firstStage: firstStage, run: "run").train()
        let (other, _) = try latents(count: 8)
        let checkpoint = try CheckpointStore.load(folder.appendingPathComponent("run"))
        XCTAssertThrowsError(try trainer(config, on: other, firstStage: firstStage, run: "other", resuming: checkpoint)) { error in
            guard case .foreignData(let file, let what, let detail)? = error as? LDMCheckpointError else {
                return XCTFail("expected foreignData, got \(error)")
            }
            XCTAssertEqual(file, checkpoint.file.path)
            XCTAssertEqual(what, "dataset")
            XCTAssertTrue(detail.contains("synthetic (12 images), not synthetic (8 images)"), detail)
        }
    }

    func testCheckpointOfAnotherArchitectureIsRefusedNamingTheTensor() throws {
        var config = tinyLDMConfig()
        config.train.steps = 1
        try trainer(config, on: try pixels(), run: "small").train()
        config.model.modelChannels = 64
        let checkpoint = try CheckpointStore.load(folder.appendingPathComponent("small"))
        XCTAssertThrowsError(try trainer(config, on: try pixels(), run: "wide", resuming: checkpoint)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(checkpoint.file.path), message)
            XCTAssertTrue(message.contains("unet.timeEmbed.linear1.weight: checkpoint [128,32], model [256,64]"), message)
        }
    }

    /// The batch is split into `train.shards` shards run side by side; the weights after training
    /// are the same whether one thread or two run them.
    func testShardedTrainingDoesNotDependOnTheThreadCount() throws {
        var config = tinyLDMConfig()
        config.train.steps = 3
        config.train.shards = 2
        let saved = ComputeSettings.threadCount
        defer { ComputeSettings.threadCount = saved }
        var weights: [[String: [Float]]] = []
        for threads in [1, 2] {
            ComputeSettings.threadCount = threads
            let trainer = try trainer(config, on: try pixels(), run: "threads-\(threads)")
            try trainer.train()
            weights.append(trainer.denoiser.stateDict().mapValues(\.scalars))
        }
        XCTAssertEqual(weights[0], weights[1])
    }

    func testSettingsThatDoNotFitTheDataAreClearErrors() throws {
        var config = tinyLDMConfig()
        config.train.shards = 0
        XCTAssertThrowsError(try trainer(config, on: try pixels(), run: "shards")) { error in
            XCTAssertEqual("\(error)", "config key 'train.shards': is 0, expected at least 1")
        }
        config = tinyLDMConfig()
        config.model.inChannels = 4
        XCTAssertThrowsError(try trainer(config, on: try pixels(), run: "channels")) { error in
            XCTAssertEqual("\(error)", "config key 'model.in_channels' is 4, but the images have 1 channels (shape [1, 16, 16])")
        }
        config = tinyLDMConfig()
        config.model.numClasses = 2
        XCTAssertThrowsError(try trainer(config, on: try pixels(), run: "classes")) { error in
            XCTAssertEqual(error as? LDMConfigError, LDMConfigError(
                key: "model.num_classes", message: "is 2, expected 3: the dataset's 2 classes and the null class (or null)"))
        }
        config = tinyLDMConfig()
        config.model.contextDimension = 16
        XCTAssertThrowsError(try trainer(config, on: try pixels(), run: "context")) { error in
            XCTAssertEqual((error as? LDMConfigError)?.key, "model.context_dim")
        }
        config = tinyLDMConfig()
        config.conditioning.kind = .class
        XCTAssertThrowsError(try trainer(config, on: try pixels(CaptionedImages(firstCaptioned: 0)), run: "unlabelled")) { error in
            XCTAssertEqual("\(error)", "config key 'conditioning.kind' asks for class conditioning, but the dataset has no classes")
        }
    }
}
