import ArgumentParser
import Foundation
import Training

/// `train-ae`: phase one of a latent diffusion model — train, evaluate and try out a first-stage
/// autoencoder. Argument parsing only; the work is in Training's `AutoencoderJobs`.
@main
struct TrainAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-ae",
        abstract: "Train a KL- or VQ-regularised autoencoder, the first stage of a latent diffusion model.",
        discussion: """
            Examples:
              train-ae --config configs/autoencoder/fashion-kl-f4.yaml
              train-ae --config configs/autoencoder/fashion-kl-f4.yaml --set train.steps=500 --set train.batch_size=16
              train-ae --resume checkpoints/fashion-kl-f4-20261129-170000
              train-ae evaluate --checkpoint checkpoints/fashion-kl-f4-20261129-170000
              train-ae reconstruct --checkpoint RUN photo.jpg --out reconstructions/
            """,
        subcommands: [Train.self, Evaluate.self, Reconstruct.self],
        defaultSubcommand: Train.self)
}

/// Reports a failure as one clear line and exits with status 1 (no stack dump for user errors).
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as CleanExit {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        FileHandle.standardError.write(Data("train-ae: error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train (or resume training) an autoencoder.")

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "A YAML run configuration; repeat to merge several, later ones winning.", valueName: "file"))
    var configFiles: [String] = []

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one setting, e.g. --set train.steps=500 or --set model.architecture.ch_mult=[1,2,4].",
        valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: ArgumentHelp("Continue a run from its last checkpoint (a run folder) or from a checkpoint file.",
                               valueName: "run-dir|checkpoint"))
    var resume: String?

    @Option(help: ArgumentHelp("Where to write the run (default: checkpoints/<config name>-<date>, or the resumed run's folder).",
                               valueName: "dir"))
    var runDir: String?

    func validate() throws {
        if configFiles.isEmpty && resume == nil {
            throw ValidationError("give --config FILE (e.g. configs/autoencoder/fashion-kl-f4.yaml) or --resume RUN_DIR")
        }
    }

    func run() throws {
        try runReportingErrors {
            try AutoencoderJobs.train(configFiles: configFiles.map { URL(fileURLWithPath: $0) }, overrides: overrides,
                                      resume: resume.map { URL(fileURLWithPath: $0) },
                                      runDirectory: runDir.map { URL(fileURLWithPath: $0) })
        }
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure reconstructions (PSNR, SSIM, L1, MSE, perceptual distance; codebook usage for VQ) on held-out images.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file.", valueName: "run-dir|checkpoint"))
    var checkpoint: String

    @Option(help: ArgumentHelp("A folder of images to evaluate on instead of the run's held-out set.", valueName: "dir"))
    var data: String?

    @Option(help: ArgumentHelp("Where to write report.json, report.txt and reconstructions.png (default: RUN/evaluation).",
                               valueName: "dir"))
    var out: String?

    @Option(help: "Evaluate on at most this many images.")
    var maxImages: Int?

    func run() throws {
        try runReportingErrors {
            try AutoencoderJobs.evaluate(checkpoint: URL(fileURLWithPath: checkpoint),
                                         dataFolder: data.map { URL(fileURLWithPath: $0) },
                                         output: out.map { URL(fileURLWithPath: $0) }, maxImages: maxImages)
        }
    }
}

struct Reconstruct: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Encode and decode image files with a trained autoencoder.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file.", valueName: "run-dir|checkpoint"))
    var checkpoint: String

    @Argument(help: ArgumentHelp("JPEG or PNG files.", valueName: "image"))
    var images: [String]

    @Option(help: ArgumentHelp("Where to write NAME-reconstruction.png and NAME-pair.png.", valueName: "dir"))
    var out: String

    func run() throws {
        try runReportingErrors {
            try AutoencoderJobs.reconstruct(checkpoint: URL(fileURLWithPath: checkpoint),
                                            images: images.map { URL(fileURLWithPath: $0) },
                                            output: URL(fileURLWithPath: out))
        }
    }
}
