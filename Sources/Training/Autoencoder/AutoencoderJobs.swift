import Configuration
import Datasets
import Evaluation
import Foundation
import ImageIO
import Models
import TensorCore
import WeightIO

/// What the `train-ae` command does, one function per subcommand; the executable only parses
/// arguments. Messages go to standard output.
public enum AutoencoderJobs {
    /// Trains (or resumes) a first stage, then evaluates it on the held-out set.
    /// - Returns: the run folder.
    @discardableResult
    public static func train(configFiles: [URL], overrides: [String], resume: URL?, runDirectory: URL?) throws -> URL {
        let resumed = try resume.map { try CheckpointStore.load($0) }
        let base = try resumed.map { (yaml: try $0.checkpoint.string("config", file: $0.file.path), source: $0.file.path) }
        let (config, tree) = try ConfigLoader.load(AutoencoderRunConfig.self, base: base, files: configFiles, overrides: overrides)
        applyThreads(config.train.threads)
        let runURL = runDirectory ?? resumed.map { runFolder(ofCheckpoint: $0.file) }
            ?? RunFolder.defaultLocation(configName: configFiles.last?.deletingPathExtension().lastPathComponent ?? "autoencoder")
        let run = resumed == nil ? try RunFolder.forNewRun(at: runURL) : try RunFolder(url: runURL)
        let yaml = try tree.yaml()
        try yaml.write(to: run.configFile, atomically: true, encoding: .utf8)
        let (trainingData, heldout) = try config.data.makeDatasets()

        print("train-ae: \(config.model.kind.rawValue) autoencoder, f = \(config.model.architecture.downsamplingFactor), "
              + "on \(trainingData.name) (\(trainingData.count) images); OpenBLAS \(BLAS.coreName), "
              + "\(ComputeSettings.threadCount) threads")
        print("train-ae: run folder \(run.url.path)")
        let perceptual = try loadPerceptualDistance(needed: config.loss.perceptualWeight > 0
                                                    || (heldout != nil && config.evaluation.perceptualDistance))
        let trainer = try AutoencoderTrainer(config: config, configYAML: yaml, run: run, trainingData: trainingData,
                                             perceptual: config.loss.perceptualWeight > 0 ? perceptual : nil,
                                             resumingFrom: resumed)
        print("train-ae: \(trainer.firstStage.module.parameterCount) parameters; "
              + (resumed != nil ? "resuming at step \(trainer.step)" : "starting"))
        Interruption.install()
        let finished = try trainer.train(progress: ProgressReporter(total: config.train.steps, startStep: trainer.step))
        print("")
        if !trainer.skippedFiles.isEmpty {
            print("train-ae: skipped \(trainer.skippedFiles.count) unreadable files: \(trainer.skippedFiles.joined(separator: ", "))")
        }
        guard finished else {
            print("train-ae: stopped at step \(trainer.step); checkpoint in \(run.checkpointsFolder.path). "
                  + "Resume with: train-ae --resume \(run.url.path)")
            return run.url
        }
        print("train-ae: trained \(trainer.step) steps; checkpoints in \(run.checkpointsFolder.path), "
              + "pictures in \(run.images.path), loss curve \(run.lossCurve.path)")
        if let heldout {
            let report = try trainer.withEvaluationWeights {
                try AutoencoderEvaluation.evaluate(
                    trainer.firstStage, on: heldout, config: config.evaluation, output: run.evaluation,
                    perceptual: config.evaluation.perceptualDistance ? perceptual : nil,
                    details: ["step": "\(trainer.step)", "weights": config.train.ema ? "EMA" : "trained"],
                    progress: ProgressReporter(total: evaluatedCount(heldout, config.evaluation)))
            }
            print("")
            print(report.textTable())
            print("train-ae: evaluation report \(run.evaluation.appendingPathComponent("report.json").path), "
                  + "reconstructions \(run.evaluation.appendingPathComponent("reconstructions.png").path)")
        }
        return run.url
    }

    /// Evaluates a checkpoint on its configuration's held-out set, or on a folder of images.
    public static func evaluate(checkpoint location: URL, dataFolder: URL?, output: URL?, maxImages: Int?) throws {
        let (firstStage, config, file) = try loadFirstStage(location)
        var evaluation = config.evaluation
        if let maxImages { evaluation.maxImages = maxImages }
        let dataset: any ImageDataset
        if let dataFolder {
            var data = config.data
            data.source = .folder
            data.heldoutPath = dataFolder.path
            evaluation.measureRegion = []
            dataset = try ImageFolderDataset(folder: dataFolder, channels: config.model.architecture.inChannels,
                                             transforms: data.folderTransforms(training: false))
        } else {
            guard let heldout = try config.data.makeDatasets().heldout else {
                throw DataConfigError(key: "data.heldout_path", message: "this run has no held-out set; pass --data FOLDER")
            }
            dataset = heldout
        }
        let outputFolder = output ?? file.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("evaluation")
        let perceptual = try loadPerceptualDistance(needed: evaluation.perceptualDistance)
        let report = try AutoencoderEvaluation.evaluate(
            firstStage, on: dataset, config: evaluation, output: outputFolder, perceptual: perceptual,
            details: ["checkpoint": file.path],
            progress: ProgressReporter(total: evaluatedCount(dataset, evaluation)))
        print("")
        print(report.textTable())
        print("train-ae: report \(outputFolder.appendingPathComponent("report.json").path), "
              + "reconstructions \(outputFolder.appendingPathComponent("reconstructions.png").path)")
    }

    /// Reconstructs image files: each is cropped to a multiple of the downsampling factor and written
    /// as NAME-reconstruction.png beside a NAME-pair.png (original | reconstruction) in `output`.
    public static func reconstruct(checkpoint location: URL, images: [URL], output: URL) throws {
        let (firstStage, config, _) = try loadFirstStage(location)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let factor = config.model.architecture.downsamplingFactor
        for url in images {
            var image = try Image(contentsOf: url).converted(toChannels: config.model.architecture.inChannels)
            image = image.centerCropped(width: image.width / factor * factor, height: image.height / factor * factor)
            guard image.width > 0, image.height > 0 else {
                throw DataConfigError(key: url.path, message: "smaller than the downsampling factor \(factor)")
            }
            let input = Tensor(image: image).unsqueezed(axis: 0)
            let reconstruction = firstStage.reconstruct(input).clamped(min: -1, max: 1)
            let name = url.deletingPathExtension().lastPathComponent
            try Image(tensor: reconstruction.squeezed(axis: 0))
                .write(to: output.appendingPathComponent("\(name)-reconstruction.png"))
            try Image(tensor: Tensor.concatenate([input, reconstruction], axis: 3).squeezed(axis: 0))
                .write(to: output.appendingPathComponent("\(name)-pair.png"))
            print("train-ae: \(url.path) → \(output.appendingPathComponent("\(name)-reconstruction.png").path)")
        }
    }

    /// The first stage of a checkpoint, with its EMA weights when it has them, in eval mode.
    public static func loadFirstStage(_ location: URL) throws -> (FirstStage, AutoencoderRunConfig, URL) {
        let (checkpoint, file) = try CheckpointStore.load(location)
        let yaml = try checkpoint.string("config", file: file.path)
        let config = try ConfigLoader.load(AutoencoderRunConfig.self, base: (yaml, file.path), files: []).config
        var generator = SeededGenerator(seed: 0)
        let firstStage = FirstStage.build(config.model, generator: &generator)
        try checkpoint.checkKind(firstStage.kindName, file: file.path)
        try checkpoint.loadWeights(into: firstStage.module, file: file.path)
        if !checkpoint.section("ema").isEmpty {
            try checkpoint.loadAveragedWeights(into: firstStage.module, file: file.path)
        }
        firstStage.module.eval()
        return (firstStage, config, file)
    }

    /// The pretrained perceptual distance when `needed`, loaded once for the loss and the evaluation.
    static func loadPerceptualDistance(needed: Bool) throws -> ImageDistance? {
        guard needed else { return nil }
        let distance = try PerceptualDistance.pretrained()
        print("train-ae: perceptual network EfficientNet-Lite0 (ImageNet) from \(PretrainedWeights.directory.path)")
        return distance.imageDistance
    }

    /// The run folder a checkpoint file belongs to (`RUN/checkpoints/step-….safetensors` → RUN).
    static func runFolder(ofCheckpoint file: URL) -> URL {
        let folder = file.deletingLastPathComponent()
        return folder.lastPathComponent == "checkpoints" ? folder.deletingLastPathComponent() : folder
    }

    static func evaluatedCount(_ dataset: any ImageDataset, _ config: EvaluationConfig) -> Int {
        config.maxImages > 0 ? min(config.maxImages, dataset.count) : dataset.count
    }
}

/// Sets the thread count from a configuration (0 keeps the default: every core).
func applyThreads(_ threads: Int) {
    if threads > 0 { ComputeSettings.threadCount = threads }
}
