import Datasets
import Diffusion
import Evaluation
import Foundation
import TensorCore

/// Measures a trained diffusion model on held-out images: its denoising loss at fixed timesteps
/// with fixed noise, so that two checkpoints (or two runs) are compared on exactly the same task.
public enum LDMEvaluation {
    /// The held-out diffusion loss (the training objective, unweighted, with each image's true class)
    /// at `config.timesteps` timesteps evenly spread over 0..<T, overall and per timestep; writes
    /// `report.json` and `report.txt` to `output`.
    ///
    /// Image i at the k-th timestep is noised with ε drawn from `SeededGenerator(seed: seed + i·K + k)`.
    /// `sampleMetrics` (the judged samples' quality, `JudgedSamples`) are added to the report.
    public static func evaluate(_ model: TrainedLDM, on dataset: any ImageDataset, config: LDMEvaluationConfig,
                                output: URL, sampleMetrics: [EvaluationReport.Metric] = [],
                                progress: ProgressReporter? = nil) throws -> EvaluationReport {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let drawing = model.drawing
        let timesteps = evaluationTimesteps(count: config.timesteps, of: drawing.schedule.timestepCount)
        let imageCount = config.maxImages > 0 ? min(config.maxImages, dataset.count) : dataset.count
        let loader = try DataLoader(dataset: dataset, batchSize: max(1, min(config.batchSize, imageCount)),
                                    shuffle: false, dropLast: false, seed: 0)
        let loss = DiffusionLoss(parameterization: drawing.parameterization, lossType: model.config.diffusion.lossType)
        var sums = [Double](repeating: 0, count: timesteps.count)
        var done = 0
        while done < imageCount {
            let batch = try loader.next()
            let count = min(batch.count, imageCount - done)
            let images = batch.images.sliced(axis: 0, range: 0..<count)
            let samples = drawing.space.samples(from: images)
            let conditions: Conditions?
            switch drawing.denoiser.conditioning {
            case .none: conditions = nil
            case .class, .classTokens: conditions = batch.labels.map { .labels(Array($0.prefix(count))) }
            case .text: conditions = batch.captions.map { .captions(Array($0.prefix(count))) }
            }
            for (k, t) in timesteps.enumerated() {
                let noise = Tensor.concatenate((0..<count).map { i in
                    var generator = SeededGenerator(seed: config.seed &+ UInt64((done + i) * timesteps.count + k))
                    return Tensor.randomNormal([1] + drawing.sampleShape, using: &generator)
                }, axis: 0)
                let perSample = withoutGradients { () -> [Float] in
                    let ts = [Int](repeating: t, count: count)
                    let noisy = drawing.schedule.noised(samples, noise: noise, timesteps: ts)
                    let target = drawing.schedule.target(drawing.parameterization, start: samples, noise: noise, timesteps: ts)
                    let output = drawing.denoiser(noisy, timesteps: ts, conditions: conditions)
                    return loss(output, target: target, timesteps: ts, schedule: drawing.schedule).perSample
                }
                sums[k] += perSample.reduce(0.0) { $0 + Double($1) }
            }
            done += count
            progress?.update(step: done)
        }
        var metrics = [EvaluationReport.Metric(name: "diffusion loss", value: sums.reduce(0, +) / Double(done * timesteps.count))]
        metrics += zip(timesteps, sums).map { .init(name: "loss at t=\($0)", value: $1 / Double(done)) }
        metrics += sampleMetrics
        let report = EvaluationReport(
            title: "Held-out diffusion loss on \(dataset.name)",
            details: ["checkpoint": model.file.path, "step": "\(model.step)", "images": "\(done)",
                      "weights": model.usesAveragedWeights ? "EMA" : "trained",
                      "loss": "\(model.config.diffusion.lossType.rawValue) of the \(drawing.parameterization.rawValue) prediction"],
            metrics: metrics)
        try report.write(to: output.appendingPathComponent("report.json"))
        try report.textTable().write(to: output.appendingPathComponent("report.txt"), atomically: true, encoding: .utf8)
        return report
    }

    /// `count` timesteps at the centres of equal parts of 0..<T: ⌊(2k + 1)·T / 2count⌋.
    static func evaluationTimesteps(count: Int, of total: Int) -> [Int] {
        let count = max(1, min(count, total))
        return (0..<count).map { (2 * $0 + 1) * total / (2 * count) }
    }
}
