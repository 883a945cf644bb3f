import Configuration
import Datasets
import Evaluation
import Foundation
import TensorCore

/// What the `train-ldm` command does, one function per subcommand; the executable only parses
/// arguments. Messages go to standard output.
public enum LDMJobs {
    /// Trains (or resumes) a diffusion model, building the latent cache first when it is missing.
    /// - Returns: the run folder.
    @discardableResult
    public static func train(configFiles: [URL], overrides: [String], resume: URL?, runDirectory: URL?) throws -> URL {
        let resumed = try resume.map { try CheckpointStore.load($0) }
        let base = try resumed.map { (yaml: try $0.checkpoint.string("config", file: $0.file.path), source: $0.file.path) }
        let (config, tree) = try ConfigLoader.load(LDMRunConfig.self, base: base, files: configFiles, overrides: overrides)
        applyThreads(config.train.threads)
        let runURL = runDirectory ?? resumed.map { AutoencoderJobs.runFolder(ofCheckpoint: $0.file) }
            ?? RunFolder.defaultLocation(configName: configFiles.last?.deletingPathExtension().lastPathComponent ?? "ldm")
        let run = resumed == nil ? try RunFolder.forNewRun(at: runURL) : try RunFolder(url: runURL)
        let data = try LDMData.prepare(config)
        let yaml = try tree.yaml()
        try yaml.write(to: run.configFile, atomically: true, encoding: .utf8)
        let set = data.trainingSet
        print("train-ldm: \(config.isLatent ? "latent" : "pixel-space") diffusion on \(set.identity.datasetName) "
              + "(\(set.count) samples of \(set.sampleShape.map(String.init).joined(separator: "×")), scale factor "
              + "\(String(format: "%.4g", set.scaleFactor))); OpenBLAS \(BLAS.coreName), \(ComputeSettings.threadCount) threads")
        print("train-ldm: run folder \(run.url.path)")
        let trainer = try LDMTrainer(config: config, configYAML: yaml, run: run, trainingSet: set,
                                     firstStage: data.firstStage, resumingFrom: resumed)
        print("train-ldm: \(trainer.denoiser.parameterCount) parameters; "
              + (resumed != nil ? "resuming at step \(trainer.step)" : "starting"))
        Interruption.install()
        let progress = ProgressReporter(total: config.train.steps, startStep: trainer.step)
        if config.train.maxMinutes > 0 {
            progress.stopTime = ProgressReporter.monotonicSeconds() + config.train.maxMinutes * 60 - trainer.clock.seconds
        }
        let finished = try trainer.train(progress: progress)
        print("")
        guard finished else {
            print("train-ldm: stopped at step \(trainer.step); resume with: train-ldm --resume \(run.url.path)")
            return run.url
        }
        print("train-ldm: trained \(trainer.step) steps (\(trainer.skippedSteps) skipped)"
              + (trainer.isOutOfTime ? ", stopped by train.max_minutes = \(config.train.maxMinutes)" : "") + "; checkpoints in "
              + "\(run.checkpointsFolder.path), sample grids in \(run.images.path), loss curve \(run.lossCurve.path)")
        return run.url
    }

    /// Builds (or continues, or with `rebuild` replaces) the latent cache a configuration trains on.
    public static func cache(configFiles: [URL], overrides: [String], rebuild: Bool) throws {
        let config = try ConfigLoader.load(LDMRunConfig.self, files: configFiles, overrides: overrides).config
        guard config.isLatent else {
            throw LDMConfigError(key: "first_stage.checkpoint", message: "is null (pixel space), so there is no latent cache to build")
        }
        applyThreads(config.train.threads)
        let data = try LDMData.prepare(config, rebuild: rebuild)
        print("\ntrain-ldm: latent cache \(data.cacheURL!.path): \(data.trainingSet.count) latents of "
              + "\(data.trainingSet.sampleShape), scale factor \(data.trainingSet.scaleFactor)")
    }

    /// What to sample: classes or captions, how many, and the sampler's settings.
    public struct SampleRequest {
        /// One class, every class (`count` of each, one grid row per class), or none (unconditional).
        public enum Classes: Equatable { case none, one(Int), all }
        public var classes = Classes.none
        /// Captions for a text-conditional model: `count` images of each, one grid row per caption.
        public var prompts: [String] = []
        public var count = 8
        public var steps: Int?
        public var eta: Double?
        public var guidance: Double?
        public var seed: UInt64 = 0
        /// Sample with the trained weights instead of the EMA weights.
        public var trainedWeights = false

        public init() {}
    }

    /// Draws images from a checkpoint and writes `grid.png`, each image as `NNNNNN.png`, and
    /// `samples.jsonl` ({"file", "class", "class_name" or "caption", "seed", "guidance", "steps"} per
    /// image) to `output`.
    /// - Returns: the written image files.
    @discardableResult
    public static func sample(checkpoint location: URL, request: SampleRequest, output: URL) throws -> [URL] {
        let model = try TrainedLDM.load(location, averagedWeights: !request.trainedWeights)
        let conditions = try sampleConditions(request, model: model)
        var settings = model.config.sampling
        if let steps = request.steps { settings.sampler.steps = steps }
        if let eta = request.eta { settings.sampler.eta = eta }
        let guidance = request.guidance ?? settings.guidance
        let drawing = model.drawing
        let sampler = try settings.sampler.makeSampler(schedule: drawing.schedule, parameterization: drawing.parameterization)
        let count = conditions?.count ?? request.count
        let seeds = (0..<count).map { request.seed &+ UInt64($0) }
        print("train-ldm: \(count) samples from \(model.file.path) (step \(model.step), "
              + "\(model.usesAveragedWeights ? "EMA" : "trained") weights), \(settings.sampler.kind.rawValue) "
              + "\(settings.sampler.steps) steps, guidance \(guidance); OpenBLAS \(BLAS.coreName)")
        let progress = ProgressReporter(total: count)
        let images = try drawing.images(seeds: seeds, conditions: conditions, sampler: sampler, guidance: guidance,
                                        batchSize: settings.batchSize) { progress.update(step: $0) }
        print("")
        let rows = request.classes == .all || !request.prompts.isEmpty
        return try SampleFiles(output: output).write(
            images, conditions: conditions, classNames: model.classNames, seeds: seeds, guidance: guidance,
            steps: settings.sampler.steps, columns: rows ? request.count : min(count, 10))
    }

    /// Captions from a file, one per line; blank lines are skipped.
    public static func readPrompts(_ file: URL) throws -> [String] {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw LDMConfigError(key: "--prompts", message: "\(file.path) is not a readable UTF-8 text file: \(error.localizedDescription)")
        }
        let prompts = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !prompts.isEmpty else { throw LDMConfigError(key: "--prompts", message: "\(file.path) holds no captions") }
        return prompts
    }

    /// The condition of each requested sample, or nil for an unconditional model.
    private static func sampleConditions(_ request: SampleRequest, model: TrainedLDM) throws -> Conditions? {
        guard request.count >= 1 else { throw LDMConfigError(key: "--count", message: "is \(request.count), expected at least 1") }
        let isText = model.drawing.denoiser.conditioning == .text
        if isText {
            guard !request.prompts.isEmpty else {
                throw LDMConfigError(key: "--prompt", message: "is missing: a text-conditional model draws captions "
                                     + "(--prompt \"…\" or --prompts FILE)")
            }
            return .captions(request.prompts.flatMap { [String](repeating: $0, count: request.count) })
        }
        guard request.prompts.isEmpty else {
            throw LDMConfigError(key: "--prompt", message: "was given, but this model is not text-conditional")
        }
        return try sampleLabels(request, model: model).map { .labels($0) }
    }

    /// The label of each requested sample, or nil for an unconditional model.
    private static func sampleLabels(_ request: SampleRequest, model: TrainedLDM) throws -> [Int]? {
        let classes = model.drawing.denoiser.classes
        switch request.classes {
        case .none:
            return classes > 0 ? (0..<request.count).map { $0 % classes } : nil
        case .one(let label):
            guard classes > 0 else { throw LDMConfigError(key: "--class", message: "was given, but the model is unconditional") }
            guard (0..<classes).contains(label) else {
                throw LDMConfigError(key: "--class", message: "is \(label), expected a class in 0..<\(classes) "
                                     + "(\(model.classNames.enumerated().map { "\($0) \($1)" }.joined(separator: ", ")))")
            }
            return [Int](repeating: label, count: request.count)
        case .all:
            guard classes > 0 else { throw LDMConfigError(key: "--classes", message: "was given, but the model is unconditional") }
            return (0..<classes).flatMap { [Int](repeating: $0, count: request.count) }
        }
    }

    /// Measures a checkpoint on its configuration's held-out set (report in RUN/evaluation by default):
    /// the held-out diffusion loss and its samples as the image judge sees them: per class for a
    /// class-conditional model (`JudgedSamples`), for the held-out captions of a text-conditional model
    /// on a labelled set (`JudgedCaptionSamples`). The judge is trained first when its file is missing.
    /// `overrides` change the saved sampling, evaluation and judge settings and the emoji's `data.labels`
    /// (`TrainedLDM.overridableKeys`).
    @discardableResult
    public static func evaluate(checkpoint location: URL, output: URL?, maxImages: Int?,
                                samplesPerClass: Int? = nil, captionSamples: Int? = nil,
                                overrides: [String] = []) throws -> EvaluationReport {
        let model = try TrainedLDM.load(location, overrides: overrides)
        var settings = model.config.evaluation
        if let maxImages { settings.maxImages = maxImages }
        if let samplesPerClass { settings.samplesPerClass = samplesPerClass }
        if let captionSamples { settings.captionSamples = captionSamples }
        let datasets = try model.config.data.makeDatasets()
        guard let heldout = datasets.heldout else {
            throw LDMConfigError(key: "data.heldout_path", message: "is empty: this run has no held-out set to evaluate on")
        }
        let folder = output ?? AutoencoderJobs.runFolder(ofCheckpoint: model.file).appendingPathComponent("evaluation")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var sampleMetrics: [EvaluationReport.Metric] = []
        if model.drawing.denoiser.classes > 0 && settings.samplesPerClass > 0 {
            guard heldout.classNames == model.classNames else {
                throw LDMConfigError(key: "data.labels", message: "gives the classes \(heldout.classNames), but the model "
                                     + "was trained on \(model.classNames): its samples are judged by the classes it learnt")
            }
            let judge = try imageJudge(model.config.judge, train: datasets.train, heldOut: heldout).judge
            sampleMetrics = try JudgedSamples.metrics(model, judge: judge, train: datasets.train, heldOut: heldout,
                                                      samplesPerClass: settings.samplesPerClass, output: folder)
        } else if model.config.conditioning.kind == .text && settings.captionSamples > 0 && heldout.classNames.count >= 2 {
            let judge = try imageJudge(model.config.judge, train: datasets.train, heldOut: heldout).judge
            sampleMetrics = try JudgedCaptionSamples.metrics(model, judge: judge, train: datasets.train, heldOut: heldout,
                                                             count: settings.captionSamples, output: folder)
        }
        let total = settings.maxImages > 0 ? min(settings.maxImages, heldout.count) : heldout.count
        print("train-ldm: held-out diffusion loss on \(total) images")
        let report = try LDMEvaluation.evaluate(model, on: heldout, config: settings, output: folder,
                                                sampleMetrics: sampleMetrics, progress: ProgressReporter(total: total))
        print("")
        print(report.textTable())
        print("train-ldm: report \(folder.appendingPathComponent("report.json").path)"
              + (sampleMetrics.isEmpty ? "" : ", judged samples \(folder.appendingPathComponent("samples.png").path)"))
        return report
    }

    /// Trains the image judge a configuration names (or loads it when its file exists) and prints its report.
    public static func judge(configFiles: [URL], overrides: [String]) throws {
        let config = try ConfigLoader.load(LDMRunConfig.self, files: configFiles, overrides: overrides).config
        applyThreads(config.train.threads)
        let datasets = try config.data.makeDatasets()
        guard let heldout = datasets.heldout else {
            throw LDMConfigError(key: "data.heldout_path", message: "is empty: the judge needs a held-out set")
        }
        _ = try imageJudge(config.judge, train: datasets.train, heldOut: heldout)
    }

    /// The judge of `config.path`, trained on `train` first when the file is missing; prints its report.
    private static func imageJudge(_ config: ImageJudgeConfig, train: any ImageDataset,
                                   heldOut: any ImageDataset) throws -> (judge: ImageJudge, report: ImageJudgeReport) {
        let exists = FileManager.default.fileExists(atPath: config.path)
        print("train-ldm: image judge \(config.path)" + (exists ? "" : ": training it on \(train.name) (\(config.steps) steps)"))
        let result = try loadOrTrainImageJudge(train: train, heldOut: heldOut, config: config,
                                               progress: exists ? nil : ProgressReporter(total: config.steps))
        if !exists { print("") }
        let report = result.report
        print("train-ldm: judge accuracy on \(report.heldOutImages) held-out images \(String(format: "%.2f", 100 * report.heldOutAccuracy)) %, "
              + "Fréchet floor \(String(format: "%.4g", report.frechetFloor)), trained \(report.steps) steps in \(Int(report.trainingSeconds)) s")
        return result
    }
}
