import Configuration
import Foundation
import Models
import TensorCore

/// A trained diffusion model loaded from a checkpoint for sampling and evaluation: the denoiser
/// (with its EMA weights by default), the frozen first stage it was trained with, and the facts of
/// its training data.
public struct TrainedLDM {
    public let config: LDMRunConfig
    /// The checkpoint file it was read from.
    public let file: URL
    public let step: Int
    public let drawing: SampleDrawing
    public let classNames: [String]
    /// Whether the EMA weights were loaded (false: the trained weights, or a run without EMA).
    public let usesAveragedWeights: Bool

    /// The settings `load` may override: how to sample and evaluate, not what was trained.
    public static let overridableKeys = ["sampling", "evaluation", "judge", "data.labels"]

    /// Loads a run folder or checkpoint file of `train-ldm`.
    /// - Parameters:
    ///   - averagedWeights: load the EMA weights when the checkpoint has them.
    ///   - overrides: `key.path=value` settings laid over the saved configuration, under `overridableKeys`.
    /// - Throws: `LDMConfigError` for an override of anything else.
    public static func load(_ location: URL, averagedWeights: Bool = true, overrides: [String] = []) throws -> TrainedLDM {
        for assignment in overrides {
            let key = String(assignment.prefix { $0 != "=" })
            guard overridableKeys.contains(where: { key == $0 || key.hasPrefix($0 + ".") }) else {
                throw LDMConfigError(key: key, message: "cannot be changed for a trained model (--set takes "
                                     + overridableKeys.map { $0 == "data.labels" ? $0 : "\($0).*" }.joined(separator: ", ") + ")")
            }
        }
        let (checkpoint, file) = try CheckpointStore.load(location)
        try checkpoint.checkKind(LDMTrainer.checkpointKind, file: file.path)
        let yaml = try checkpoint.string("config", file: file.path)
        let config = try ConfigLoader.load(LDMRunConfig.self, base: (yaml, file.path), files: [], overrides: overrides).config
        let facts = try TrainedLDMFacts(checkpoint, file: file.path)
        var generator = SeededGenerator(seed: 0)
        let denoiser = try ConditionalDenoiser(architecture: config.model, conditioning: config.conditioning,
                                               classes: facts.classNames.count,
                                               tokenizer: try config.conditioning.makeTokenizer(),
                                           frozenTextEncoder: try config.conditioning.makeFrozenTextEncoder(),
                                           generator: &generator)
        try checkpoint.loadWeights(into: denoiser, file: file.path)
        let averaged = averagedWeights && !checkpoint.section("ema").isEmpty
        if averaged { try checkpoint.loadAveragedWeights(into: denoiser, file: file.path) }
        denoiser.eval()
        let firstStage = try config.firstStage.checkpoint.map { path in
            try loadFirstStage(path, expecting: facts.identity.firstStageSHA256, checkpoint: file.path)
        }
        let drawing = SampleDrawing(
            denoiser: denoiser, space: SampleSpace(firstStage: firstStage, scaleFactor: facts.scaleFactor),
            sampleShape: facts.sampleShape, schedule: try config.diffusion.makeSchedule(),
            parameterization: config.diffusion.parameterization)
        return TrainedLDM(config: config, file: file, step: Int(try checkpoint.string("step", file: file.path)) ?? 0,
                          drawing: drawing, classNames: facts.classNames, usesAveragedWeights: averaged)
    }

    /// The first stage at `path`, refused unless its weights are those whose latents the model learnt.
    private static func loadFirstStage(_ path: String, expecting digest: String, checkpoint: String) throws -> FirstStage {
        let firstStage = try FirstStageLocation(path).load()
        let found = LatentCacheIdentity.weightsDigest(firstStage.module.stateDict())
        guard found == digest else {
            throw LDMCheckpointError.foreignFirstStage(
                file: checkpoint, firstStage: path,
                detail: "its weights have SHA-256 \(found.prefix(12))…, the model's latents came from \(digest.prefix(12))…")
        }
        return firstStage
    }
}

/// The `first_stage.checkpoint` of a configuration: a `train-ae` run folder or checkpoint file.
struct FirstStageLocation {
    let path: String

    init(_ path: String) { self.path = path }

    /// The first stage with its EMA weights (when kept), in eval mode and frozen.
    /// - Throws: `LDMConfigError` saying to train it first when nothing is there.
    func load() throws -> FirstStage {
        do {
            let firstStage = try AutoencoderJobs.loadFirstStage(URL(fileURLWithPath: path)).0
            firstStage.module.freeze()
            return firstStage
        } catch CheckpointError.notFound {
            throw LDMConfigError(
                key: "first_stage.checkpoint",
                message: "names \(path), where there is no train-ae checkpoint; train the first stage first, e.g. "
                    + "`train-ae --config configs/autoencoder/fashion-kl-f4.yaml --run-dir \(path)` (or `make demo`)")
        }
    }
}
