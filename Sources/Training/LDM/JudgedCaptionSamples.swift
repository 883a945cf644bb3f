import Datasets
import Evaluation
import Foundation
import TensorCore
import Visuals

/// The quality of a text-conditional model's samples as the project's image judge sees it, on
/// captions the model never trained on: one sample is drawn for each held-out caption, and the judge
/// (a classifier of the dataset's labels, the emoji's groups or subgroups) says whether it shows the
/// class of the real image that caption belongs to. Reported plain and balanced over the classes,
/// beside chance and the judge's accuracy on those real images, with the Fréchet distance of the
/// samples to the held-out images beside its floor.
public enum JudgedCaptionSamples {
    /// The captions shown in `samples.png`: real held-out images above their samples, eight per row.
    static let gridCaptions = 32

    /// Draws one image for each of the first `count` held-out captions (seed = its index; the
    /// configured sampler and guidance), judges them, writes `output/samples.png` (32 of them spread
    /// over the captions: rows of real held-out images, each above the samples for their captions)
    /// with those captions in `output/samples.txt`, and returns the metrics.
    public static func metrics(_ model: TrainedLDM, judge: ImageJudge, train: any ImageDataset, heldOut: any ImageDataset,
                               count: Int, output: URL) throws -> [EvaluationReport.Metric] {
        let real = try captionedImages(of: heldOut, count: count)
        guard !real.captions.isEmpty else { return [] }
        let settings = model.config.sampling
        let drawing = model.drawing
        let sampler = try settings.sampler.makeSampler(schedule: drawing.schedule, parameterization: drawing.parameterization)
        print("train-ldm: judging samples for \(real.captions.count) held-out captions (\(settings.sampler.kind.rawValue) "
              + "\(settings.sampler.steps) steps, guidance \(settings.guidance))")
        let progress = ProgressReporter(total: real.captions.count)
        let start = Date()
        let images = try drawing.images(seeds: real.captions.indices.map(UInt64.init), conditions: .captions(real.captions),
                                        sampler: sampler, guidance: settings.guidance, batchSize: settings.batchSize) {
            progress.update(step: $0)
        }
        let samplesPerSecond = Double(real.captions.count) / Date().timeIntervalSince(start)
        print("")
        try writeGrid(real: real.images, samples: images, captions: real.captions, to: output)

        let predictions = try judge.classify(images)
        // The real images are the first of the held-out set, judged in the same order.
        let heldOutJudged = try judge.judge(heldOut)
        let realPredictions = Array(heldOutJudged.predictions.prefix(real.labels.count))
        let heldOutFeatures = heldOutJudged.features
        let frequencies = Dictionary(real.labels.map { ($0, 1) }, uniquingKeysWith: +)
        return [
            .init(name: "held-out captions sampled", value: Double(real.captions.count)),
            .init(name: "sampling samples/s", value: samplesPerSecond),
            .init(name: "class accuracy of samples", value: classificationAccuracy(predictions, labels: real.labels)),
            .init(name: "judge accuracy on the real held-out images", value: classificationAccuracy(realPredictions, labels: real.labels)),
            .init(name: "chance accuracy (uniform)", value: 1 / Double(judge.classNames.count)),
            .init(name: "chance accuracy (most frequent class)",
                  value: Double(frequencies.values.max() ?? 0) / Double(real.labels.count)),
            .init(name: "balanced accuracy of samples", value: balancedAccuracy(predictions, real.labels)),
            .init(name: "balanced judge accuracy on the real held-out images", value: balancedAccuracy(realPredictions, real.labels)),
            .init(name: "chance balanced accuracy (any one class)", value: 1 / Double(frequencies.count)),
            .init(name: "Fréchet distance samples vs held-out",
                  value: try frechetDistance(try judge.features(images), heldOutFeatures)),
            .init(name: "Fréchet distance train vs held-out, same class mix (floor)",
                  value: try frechetDistance(try classMatchedFeatures(train, judge: judge, labels: real.labels), heldOutFeatures)),
        ]
    }

    /// The first `count` images of `dataset` in order, with their captions and labels.
    /// - Throws: `ImageJudgeTrainingError.unlabelled` when the dataset has no labels to judge against.
    static func captionedImages(of dataset: any ImageDataset, count: Int) throws
        -> (images: Tensor, captions: [String], labels: [Int]) {
        let total = min(count, dataset.count)
        guard total > 0 else { return (Tensor.zeros([0]), [], []) }
        let loader = try DataLoader(dataset: dataset, batchSize: min(100, total), shuffle: false, dropLast: false, seed: 0)
        var images: [Tensor] = [], captions: [String] = [], labels: [Int] = []
        while captions.count < total {
            let batch = try loader.next()
            guard let batchLabels = batch.labels else { throw ImageJudgeTrainingError.unlabelled(dataset: dataset.name) }
            let taken = min(batch.count, total - captions.count)
            images.append(batch.images.sliced(axis: 0, range: 0..<taken))
            captions += (batch.captions ?? [String](repeating: "", count: batch.count)).prefix(taken)
            labels += batchLabels.prefix(taken)
        }
        return (Tensor.concatenate(images, axis: 0), captions, labels)
    }

    /// The mean over the classes present in `labels` of the share of each class predicted as itself.
    /// The emoji's held-out families are mostly people in five skin tones (65 % of the held-out set),
    /// so plain accuracy rewards a model that draws people for everything; always answering one
    /// class scores 1 / (classes present) here.
    public static func balancedAccuracy(_ predictions: [Int], _ labels: [Int]) -> Double {
        let byClass = Dictionary(grouping: zip(predictions, labels), by: \.1)
        let recalls = byClass.values.map { pairs in Double(pairs.filter { $0.0 == $0.1 }.count) / Double(pairs.count) }
        return recalls.reduce(0, +) / Double(max(recalls.count, 1))
    }

    /// Judge features of as many training images as `labels` has, with the same number of each class
    /// (a seeded draw; fewer of a class when the training set lacks them). Against the held-out images
    /// they give the Fréchet distance a generator as good as the data would reach on these captions;
    /// a draw from the whole training set would have another class mix.
    static func classMatchedFeatures(_ train: any ImageDataset, judge: ImageJudge, labels: [Int]) throws -> Tensor {
        let pool = try judge.judge(train, limit: min(train.count, 20 * labels.count), seed: 1)
        var wanted = Dictionary(labels.map { ($0, 1) }, uniquingKeysWith: +)
        var rows: [Tensor] = []
        for (index, label) in pool.labels.enumerated() where wanted[label, default: 0] > 0 {
            wanted[label]! -= 1
            rows.append(pool.features.sliced(axis: 0, range: index..<(index + 1)))
        }
        return Tensor.concatenate(rows, axis: 0)
    }

    /// `gridCaptions` pairs spread evenly over the captions (all of them when fewer): each row of eight
    /// real images is followed by the row of their samples.
    private static func writeGrid(real: Tensor, samples: Tensor, captions: [String], to output: URL) throws {
        let shown = min(gridCaptions, captions.count)
        let picked = (0..<shown).map { $0 * captions.count / shown }
        let columns = min(8, shown)
        var rows: [Tensor] = []
        for start in stride(from: 0, to: shown, by: columns) {
            let row = Array(picked[start..<min(start + columns, shown)])
            rows += [real, samples.clamped(min: -1, max: 1)].map { images in
                padded(Tensor.concatenate(row.map { images.sliced(axis: 0, range: $0..<($0 + 1)) }, axis: 0), to: columns)
            }
        }
        try ImageGrid(columns: columns, scale: samples.shape[2] < 64 ? 2 : 1)
            .write(Tensor.concatenate(rows, axis: 0), to: output.appendingPathComponent("samples.png"))
        let listing = picked.enumerated().map { "\($0 / columns + 1).\($0 % columns + 1) \(captions[$1])" }
        try (["Rows of real held-out images, each followed by the row of samples for their captions (row.column):"]
             + listing).joined(separator: "\n").appending("\n")
            .write(to: output.appendingPathComponent("samples.txt"), atomically: true, encoding: .utf8)
    }

    /// `images` with white images appended up to `count`, so that a short last row keeps the grid's columns.
    private static func padded(_ images: Tensor, to count: Int) -> Tensor {
        let missing = count - images.shape[0]
        guard missing > 0 else { return images }
        return Tensor.concatenate([images, Tensor.ones([missing] + Array(images.shape.dropFirst()))], axis: 0)
    }
}
