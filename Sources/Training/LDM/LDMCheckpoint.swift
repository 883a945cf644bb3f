import Datasets
import Foundation
import TensorCore

/// What an LDM checkpoint holds besides the weights: enough to resume exactly, to refuse other
/// training data, and to sample without the training data (scale factor, sample shape, classes).
extension LDMTrainer {
    /// The checkpoint `kind` of the diffusion trainer.
    public static let checkpointKind = "latent-diffusion"

    /// Weights, EMA, optimizer, step, data position, generators, configuration, scale factor and the
    /// identity of the training data.
    public func makeCheckpoint() throws -> Checkpoint {
        var checkpoint = Checkpoint.training(kind: Self.checkpointKind, model: denoiser, optimizer: optimizer, ema: ema,
                                             step: step, seconds: clock.seconds, configYAML: configYAML)
        try checkpoint.storeJSON("architecture", denoiser.architecture)
        try checkpoint.storeJSON("loader", loader.state)
        try checkpoint.storeJSON("noise", noise.state)
        try checkpoint.storeJSON("dropout", dropout.state)
        try checkpoint.storeJSON("bad_steps", [skippedSteps, badStepsInARow])
        try TrainedLDMFacts(trainingSet: trainingSet).store(in: &checkpoint)
        return checkpoint
    }

    func restore(_ checkpoint: Checkpoint, file: URL) throws {
        try checkpoint.checkKind(Self.checkpointKind, file: file.path)
        let facts = try TrainedLDMFacts(checkpoint, file: file.path)
        if let (what, detail) = facts.identity.difference(from: trainingSet.identity) {
            throw LDMCheckpointError.foreignData(file: file.path, what: what, detail: detail)
        }
        try checkpoint.loadWeights(into: denoiser, file: file.path)
        step = try checkpoint.restoreTrainingState(optimizer: optimizer, ema: ema, clock: &clock, file: file.path)
        noise = SeededGenerator(state: try checkpoint.json("noise", as: [UInt64].self, file: file.path))
        dropout = SeededGenerator(state: try checkpoint.json("dropout", as: [UInt64].self, file: file.path))
        let badSteps = try checkpoint.json("bad_steps", as: [Int].self, file: file.path)
        (skippedSteps, badStepsInARow) = (badSteps.first ?? 0, badSteps.last ?? 0)
    }
}

/// The facts about its training data that an LDM checkpoint carries: the data's identity (the
/// cache's, or the image dataset's with first-stage kind `pixels`), the scale factor, the shape of
/// one sample and the class names.
struct TrainedLDMFacts: Equatable {
    var identity: LatentCacheIdentity
    var scaleFactor: Double
    var sampleShape: [Int]
    var classNames: [String]

    init(trainingSet: DiffusionTrainingSet) {
        identity = trainingSet.identity
        scaleFactor = trainingSet.scaleFactor
        sampleShape = trainingSet.sampleShape
        classNames = trainingSet.classNames
    }

    /// The facts stored in `checkpoint` (a `CheckpointError` naming the key when one is missing).
    init(_ checkpoint: Checkpoint, file: String) throws {
        let stored = try checkpoint.json("data_identity", as: [String: String].self, file: file)
        func field(_ key: String) throws -> String {
            guard let value = stored[key] else {
                throw CheckpointError.invalidMetadata(file: file, key: "data_identity", reason: "no '\(key)'")
            }
            return value
        }
        identity = LatentCacheIdentity(
            firstStageSHA256: try field("first_stage_sha256"), firstStageKind: try field("first_stage_kind"),
            datasetFingerprint: try field("dataset_fingerprint"), datasetName: try field("dataset_name"),
            datasetCount: Int(try field("dataset_count")) ?? -1, transform: try field("transform"))
        guard let scale = Double(try checkpoint.string("scale_factor", file: file)), scale > 0 else {
            throw CheckpointError.invalidMetadata(file: file, key: "scale_factor", reason: "not a positive number")
        }
        scaleFactor = scale
        sampleShape = try checkpoint.json("sample_shape", as: [Int].self, file: file)
        classNames = try checkpoint.json("class_names", as: [String].self, file: file)
    }

    func store(in checkpoint: inout Checkpoint) throws {
        try checkpoint.storeJSON("data_identity", [
            "first_stage_sha256": identity.firstStageSHA256, "first_stage_kind": identity.firstStageKind,
            "dataset_fingerprint": identity.datasetFingerprint, "dataset_name": identity.datasetName,
            "dataset_count": "\(identity.datasetCount)", "transform": identity.transform,
        ])
        checkpoint.metadata["scale_factor"] = "\(scaleFactor)"
        try checkpoint.storeJSON("sample_shape", sampleShape)
        try checkpoint.storeJSON("class_names", classNames)
    }
}

/// An LDM checkpoint that does not fit what it is used with, naming the file.
public enum LDMCheckpointError: Error, Equatable, CustomStringConvertible {
    /// Resuming on other training data than the checkpoint's (`what`: "first stage" or "dataset").
    case foreignData(file: String, what: String, detail: String)
    /// The first stage named by the configuration is not the one whose latents the model learnt.
    case foreignFirstStage(file: String, firstStage: String, detail: String)

    public var description: String {
        switch self {
        case let .foreignData(file, what, detail):
            "\(file): trained on the data of another \(what), so it cannot continue on this run's data: its data was \(detail)"
        case let .foreignFirstStage(file, firstStage, detail):
            "\(file): the model was trained on the latents of another first stage than \(firstStage): \(detail)"
        }
    }
}
