import ArgumentParser
import Foundation
import Training

/// `train-ldm`: phase two of a latent diffusion model — cache the latents of a trained first
/// stage, train the diffusion UNet on them (or on pixels), sample and evaluate. Argument parsing
/// only; the work is in Training's `LDMJobs`.
@main
struct TrainLDMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-ldm",
        abstract: "Train a (latent) diffusion model on a first stage's latents or on pixels, and sample from it.",
        discussion: """
            Examples:
              train-ldm --config configs/ldm/fashion-class-f4.yaml
              train-ldm --config configs/ldm/fashion-class-f4.yaml --set train.steps=500
              train-ldm --resume checkpoints/fashion-class-f4-20261129-170000
              train-ldm cache --config configs/ldm/fashion-class-f4.yaml [--rebuild]
              train-ldm sample --checkpoint RUN --classes all --count 10 --out samples/
              train-ldm evaluate --checkpoint RUN [--samples-per-class 100] [--caption-samples 1000] [--set judge.path=FILE]
              train-ldm judge --config configs/ldm/fashion-class-f4.yaml
            """,
        subcommands: [Train.self, Cache.self, Sample.self, Evaluate.self, Judge.self],
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
        FileHandle.standardError.write(Data("train-ldm: error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

/// The configuration files and `--set` overrides shared by `train` and `cache`.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp(
        "A YAML run configuration; repeat to merge several, later ones winning.", valueName: "file"))
    var files: [String] = []

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one setting, e.g. --set train.steps=500 or --set model.channel_mult=[1,2].", valueName: "key=value"))
    var overrides: [String] = []

    var urls: [URL] { files.map { URL(fileURLWithPath: $0) } }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train (or resume) a diffusion model; builds the latent cache first when it is missing.")

    @OptionGroup var config: ConfigOptions

    @Option(help: ArgumentHelp("Continue a run from its last checkpoint (a run folder) or from a checkpoint file.",
                               valueName: "run-dir|checkpoint"))
    var resume: String?

    @Option(help: ArgumentHelp("Where to write the run (default: checkpoints/<config name>-<date>, or the resumed run's folder).",
                               valueName: "dir"))
    var runDir: String?

    func validate() throws {
        if config.files.isEmpty && resume == nil {
            throw ValidationError("give --config FILE (e.g. configs/ldm/fashion-class-f4.yaml) or --resume RUN_DIR")
        }
    }

    func run() throws {
        try runReportingErrors {
            try LDMJobs.train(configFiles: config.urls, overrides: config.overrides,
                              resume: resume.map { URL(fileURLWithPath: $0) },
                              runDirectory: runDir.map { URL(fileURLWithPath: $0) })
        }
    }
}

struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encode the dataset with the frozen first stage into the HDF5 latent cache (continues an interrupted one).")

    @OptionGroup var config: ConfigOptions

    @Flag(help: "Replace a cache made from another first stage or dataset instead of refusing it.")
    var rebuild = false

    func validate() throws {
        if config.files.isEmpty { throw ValidationError("give --config FILE (e.g. configs/ldm/fashion-class-f4.yaml)") }
    }

    func run() throws {
        try runReportingErrors {
            try LDMJobs.cache(configFiles: config.urls, overrides: config.overrides, rebuild: rebuild)
        }
    }
}

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw images from a trained model: grid.png, one PNG per image and samples.jsonl.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file.", valueName: "run-dir|checkpoint"))
    var checkpoint: String

    @Option(name: .customLong("class"), help: "Sample this class only.")
    var label: Int?

    @Option(help: ArgumentHelp("'all': --count images of every class, one grid row per class.", valueName: "all"))
    var classes: String?

    @Option(help: ArgumentHelp("A caption to draw (text-conditional models); repeat for several, one grid row each.",
                               valueName: "text"))
    var prompt: [String] = []

    @Option(help: ArgumentHelp("A file of captions, one per line (blank lines skipped), one grid row each.",
                               valueName: "file"))
    var prompts: String?

    @Option(help: "Images (per class with --classes all).")
    var count = 8

    @Option(help: "Sampler steps (default: the run's sampling.sampler.steps).")
    var steps: Int?

    @Option(help: "DDIM η (0 is deterministic).")
    var eta: Double?

    @Option(help: "Classifier-free guidance scale (default: the run's sampling.guidance).")
    var guidance: Double?

    @Option(help: "Image i starts from the noise of seed + i.")
    var seed: UInt64 = 0

    @Flag(help: "Use the trained weights instead of their moving average.")
    var trainedWeights = false

    @Option(help: ArgumentHelp("Where to write the images.", valueName: "dir"))
    var out: String

    func validate() throws {
        if let classes, classes != "all" { throw ValidationError("--classes takes 'all' (use --class K for one class)") }
        if label != nil && classes != nil { throw ValidationError("give --class K or --classes all, not both") }
        if (label != nil || classes != nil) && (!prompt.isEmpty || prompts != nil) {
            throw ValidationError("give classes (--class, --classes) or captions (--prompt, --prompts), not both")
        }
    }

    func run() throws {
        var request = LDMJobs.SampleRequest()
        request.classes = classes != nil ? .all : label.map { .one($0) } ?? .none
        (request.count, request.steps, request.eta, request.guidance) = (count, steps, eta, guidance)
        (request.seed, request.trainedWeights) = (seed, trainedWeights)
        try runReportingErrors {
            request.prompts = try prompt + (prompts.map { try LDMJobs.readPrompts(URL(fileURLWithPath: $0)) } ?? [])
            try LDMJobs.sample(checkpoint: URL(fileURLWithPath: checkpoint), request: request,
                               output: URL(fileURLWithPath: out))
        }
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the held-out diffusion loss at fixed timesteps and noise, and judge samples.",
        discussion: """
            For a class-conditional model, draws samples of every class with the configured sampler and guidance and
            reports the share the image judge (a classifier trained on the real training images; trained first when
            judge.path is missing) assigns to their class, and the Fréchet distance of their judge features to the
            held-out images' beside the same distance for as many real training images (the floor).
            For a text-conditional model on a labelled set (the emoji and their groups), draws one sample for each
            held-out caption and reports the share the judge assigns to the class of that caption's real image,
            beside chance and the judge's accuracy on those real images.
            """)

    @Option(help: ArgumentHelp("A run folder or checkpoint file.", valueName: "run-dir|checkpoint"))
    var checkpoint: String

    @Option(help: ArgumentHelp("Where to write report.json and report.txt (default: RUN/evaluation).", valueName: "dir"))
    var out: String?

    @Option(help: "Evaluate the diffusion loss on at most this many held-out images.")
    var maxImages: Int?

    @Option(help: "Samples drawn and judged per class (0: none; default: evaluation.samples_per_class).")
    var samplesPerClass: Int?

    @Option(help: "Held-out captions sampled and judged, text models (0: none; default: evaluation.caption_samples).")
    var captionSamples: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Change a saved setting of sampling.*, evaluation.*, judge.* or data.labels, e.g. --set judge.path=FILE "
        + "--set sampling.guidance=5; repeatable.", valueName: "key=value"))
    var overrides: [String] = []

    func run() throws {
        try runReportingErrors {
            try LDMJobs.evaluate(checkpoint: URL(fileURLWithPath: checkpoint), output: out.map { URL(fileURLWithPath: $0) },
                                 maxImages: maxImages, samplesPerClass: samplesPerClass,
                                 captionSamples: captionSamples, overrides: overrides)
        }
    }
}

struct Judge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the image judge of a configuration (judge.path), or load it, and print its held-out accuracy.")

    @OptionGroup var config: ConfigOptions

    func run() throws {
        try runReportingErrors { try LDMJobs.judge(configFiles: config.urls, overrides: config.overrides) }
    }
}
