import Datasets
import Evaluation
import Foundation
import TensorCore
import Visuals

/// The quality of a class-conditional model's samples as the project's image judge sees it: the
/// share of samples the judge assigns to the class they were drawn for, and the Fréchet distance
/// between their judge features and the held-out images' — beside the same distance for as many real
/// training images (the floor a perfect model would reach with this many samples).
public enum JudgedSamples {
    /// Draws `samplesPerClass` images of every class (seeds 0, 1, …, the configured sampler and
    /// guidance), judges them, writes a grid of the first ten per class to `output/samples.png`, and
    /// returns the metrics.
    public static func metrics(_ model: TrainedLDM, judge: ImageJudge, train: any ImageDataset, heldOut: any ImageDataset,
                               samplesPerClass: Int, output: URL) throws -> [EvaluationReport.Metric] {
        let classes = model.drawing.denoiser.classes
        guard classes > 0, samplesPerClass > 0 else { return [] }
        let labels = (0..<classes).flatMap { [Int](repeating: $0, count: samplesPerClass) }
        let settings = model.config.sampling
        let drawing = model.drawing
        let sampler = try settings.sampler.makeSampler(schedule: drawing.schedule, parameterization: drawing.parameterization)
        print("train-ldm: judging \(labels.count) samples (\(settings.sampler.kind.rawValue) \(settings.sampler.steps) steps, "
              + "guidance \(settings.guidance))")
        let progress = ProgressReporter(total: labels.count)
        let start = Date()
        let images = try drawing.images(seeds: labels.indices.map(UInt64.init), conditions: .labels(labels), sampler: sampler,
                                        guidance: settings.guidance, batchSize: settings.batchSize) { progress.update(step: $0) }
        let samplesPerSecond = Double(labels.count) / Date().timeIntervalSince(start)
        print("")
        try writeGrid(images, classes: classes, perClass: samplesPerClass, to: output.appendingPathComponent("samples.png"))

        let predictions = try judge.classify(images)
        let accuracy = classificationAccuracy(predictions, labels: labels)
        let heldOutJudged = try judge.judge(heldOut)
        let distance = try frechetDistance(try judge.features(images), heldOutJudged.features)
        let floor = try frechetDistance(try judge.judge(train, limit: labels.count, seed: 1).features, heldOutJudged.features)
        return [
            .init(name: "samples judged", value: Double(labels.count)),
            .init(name: "sampling samples/s", value: samplesPerSecond),
            .init(name: "class accuracy of samples", value: accuracy),
            .init(name: "judge accuracy on held-out images", value: heldOutJudged.accuracy),
            .init(name: "Fréchet distance samples vs held-out", value: distance),
            .init(name: "Fréchet distance train vs held-out (floor)", value: floor),
        ]
    }

    /// One row per class, at most ten samples each.
    private static func writeGrid(_ images: Tensor, classes: Int, perClass: Int, to url: URL) throws {
        let shown = min(perClass, 10)
        let rows = (0..<classes).map { images.sliced(axis: 0, range: ($0 * perClass)..<($0 * perClass + shown)) }
        try ImageGrid(columns: shown, scale: images.shape[2] < 64 ? 2 : 1)
            .write(Tensor.concatenate(rows, axis: 0).clamped(min: -1, max: 1), to: url)
    }
}
