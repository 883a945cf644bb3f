import Evaluation
import Foundation
import WeightIO

/// The metadata key of the training report in a judge checkpoint.
private let reportKey = "report"

/// Writes `judge` as a swift-ldm checkpoint (atomically, creating the folder): its weights under
/// "model.", its architecture, class names and image shape, and the training `report` as metadata.
public func saveImageJudge(_ judge: ImageJudge, report: ImageJudgeReport, to url: URL) throws {
    var checkpoint = Checkpoint()
    checkpoint.store(ImageJudge.weightsSection, judge.classifier.stateDict())
    checkpoint.metadata = try judge.metadata()
    checkpoint.metadata["format"] = Checkpoint.format
    try checkpoint.storeJSON(reportKey, report)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try SafeTensors.write(checkpoint.tensors, metadata: checkpoint.metadata, to: url)
}

/// Reads a judge checkpoint and the report saved with it.
/// - Throws: `SafeTensorsError`, `CheckpointError` or `ImageJudgeError` naming the file and what is wrong.
public func loadImageJudge(_ url: URL) throws -> (judge: ImageJudge, report: ImageJudgeReport) {
    let (checkpoint, file) = try CheckpointStore.load(url)
    try checkpoint.checkKind(ImageJudge.checkpointKind, file: file.path)
    let judge = try ImageJudge(tensors: checkpoint.tensors, metadata: checkpoint.metadata, path: file.path)
    return (judge, try checkpoint.json(reportKey, as: ImageJudgeReport.self, file: file.path))
}
