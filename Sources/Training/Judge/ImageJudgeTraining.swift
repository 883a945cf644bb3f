import Datasets
import Evaluation
import Foundation
import NN
import Optimizers
import TensorCore

/// What training a judge measured.
public struct ImageJudgeReport: Codable, Equatable {
    public var steps: Int
    public var batchSize: Int
    public var trainingSeconds: Double
    /// The cross-entropy of the first batch, before any update.
    public var firstLoss: Double
    /// The mean cross-entropy over the last 50 steps (or all, when fewer).
    public var finalLoss: Double
    /// The fraction of the held-out images classified correctly.
    public var heldOutAccuracy: Double
    public var heldOutImages: Int
    /// The Fréchet distance in the judge's feature space between the held-out images and as many
    /// training images: what a generator indistinguishable from the data would score.
    public var frechetFloor: Double
}

/// Trains an `ImageClassifier` on `train` with Adam (warm-up, then cosine decay), seeded shuffling and
/// a progress line, measures it on `heldOut`, and writes it to `config.path` as a judge checkpoint.
/// - Throws: `ImageJudgeTrainingError` when a setting is out of range, a dataset is unlabelled or the
///   two do not match.
public func trainImageJudge(train: any ImageDataset, heldOut: any ImageDataset, config: ImageJudgeConfig,
                            progress: ProgressReporter? = nil) throws -> (judge: ImageJudge, report: ImageJudgeReport) {
    try config.validate()
    try checkCompatible(train: train, heldOut: heldOut)
    var generator = SeededGenerator(seed: config.seed)
    let classifier = ImageClassifier(config.architecture(channels: train.channels, classes: train.classNames.count),
                                     generator: &generator)
    let start = ProgressReporter.monotonicSeconds()
    let losses = try fit(classifier, on: train, config: config, loaderSeed: generator.next(), progress: progress)
    let trainingSeconds = ProgressReporter.monotonicSeconds() - start

    classifier.eval()
    var firstSampleGenerator = SeededGenerator(seed: 0)
    let imageShape = Array(try train.sample(at: 0, generator: &firstSampleGenerator).image.shape)
    let judge = ImageJudge(classifier: classifier, classNames: train.classNames, imageShape: imageShape)
    let heldOutJudged = try judge.judge(heldOut)
    let trainSample = try judge.judge(train, limit: heldOut.count, seed: config.seed &+ 1)
    let report = ImageJudgeReport(
        steps: config.steps, batchSize: config.batchSize, trainingSeconds: trainingSeconds,
        firstLoss: losses.first, finalLoss: losses.final,
        heldOutAccuracy: heldOutJudged.accuracy, heldOutImages: heldOut.count,
        frechetFloor: try frechetDistance(heldOutJudged.features, trainSample.features))
    try saveImageJudge(judge, report: report, to: URL(fileURLWithPath: config.path))
    return (judge, report)
}

/// Runs `config.steps` steps of cross-entropy training on shuffled batches of `train`.
/// - Returns: the first batch's loss and the mean loss of the last 50 steps.
private func fit(_ classifier: ImageClassifier, on train: any ImageDataset, config: ImageJudgeConfig,
                 loaderSeed: UInt64, progress: ProgressReporter?) throws -> (first: Double, final: Double) {
    let loader = try DataLoader(dataset: train, batchSize: config.batchSize, seed: loaderSeed)
    let parameters = classifier.namedParameters()
    let optimizer = Adam(parameters: parameters, learningRate: config.learningRate)
    let schedule = LearningRateSchedule.cosineDecay(
        peak: config.learningRate, minimum: config.learningRate / 50,
        warmupSteps: min(100, config.steps / 10), totalSteps: config.steps)
    var firstLoss = Double.nan, recentLosses: [Double] = []
    for step in 0..<config.steps {
        let batch = try loader.next()
        guard let labels = batch.labels else { throw ImageJudgeTrainingError.unlabelled(dataset: train.name) }
        optimizer.learningRate = schedule.learningRate(atStep: step)
        let logits = classifier(batch.images)
        let loss = crossEntropy(logits, labels: labels)
        optimizer.step(gradients(of: loss, wrt: parameters.map(\.parameter.wrappedValue)))
        if step == 0 { firstLoss = Double(loss.scalar) }
        recentLosses = Array((recentLosses + [Double(loss.scalar)]).suffix(50))
        let batchAccuracy = classificationAccuracy(rowArgmax(logits), labels: labels)
        progress?.update(step: step + 1, values: ["loss": Double(loss.scalar), "acc": batchAccuracy])
    }
    progress?.finish()
    return (firstLoss, recentLosses.reduce(0, +) / Double(recentLosses.count))
}

/// The judge at `config.path`, or a new one trained on `train` and written there when the file is
/// missing. The report is the one saved with the judge.
/// - Throws: `ImageJudgeError` for an unreadable file, `ImageJudgeTrainingError` when the judge was
///   trained on other classes or image channels than `train` has.
public func loadOrTrainImageJudge(train: any ImageDataset, heldOut: any ImageDataset, config: ImageJudgeConfig,
                                  progress: ProgressReporter? = nil) throws -> (judge: ImageJudge, report: ImageJudgeReport) {
    let url = URL(fileURLWithPath: config.path)
    guard FileManager.default.fileExists(atPath: url.path) else {
        return try trainImageJudge(train: train, heldOut: heldOut, config: config, progress: progress)
    }
    let (judge, report) = try loadImageJudge(url)
    guard judge.classNames == train.classNames, judge.imageShape[0] == train.channels else {
        throw ImageJudgeTrainingError.judgeDoesNotFit(
            path: url.path, judgeClasses: judge.classNames, judgeChannels: judge.imageShape[0],
            dataset: train.name, datasetClasses: train.classNames, datasetChannels: train.channels)
    }
    return (judge, report)
}

private func checkCompatible(train: any ImageDataset, heldOut: any ImageDataset) throws {
    for dataset in [train, heldOut] where dataset.classNames.count < 2 {
        throw ImageJudgeTrainingError.unlabelled(dataset: dataset.name)
    }
    guard heldOut.classNames == train.classNames, heldOut.channels == train.channels else {
        throw ImageJudgeTrainingError.mismatchedHeldOut(
            train: train.name, heldOut: heldOut.name,
            detail: "classes \(train.classNames) with \(train.channels) channels vs. "
                + "\(heldOut.classNames) with \(heldOut.channels) channels")
    }
}

/// Why a judge cannot be trained on, or used with, a dataset.
public enum ImageJudgeTrainingError: Error, Equatable, CustomStringConvertible {
    case invalidSetting(key: String, value: String, expected: String)
    case unlabelled(dataset: String)
    case mismatchedHeldOut(train: String, heldOut: String, detail: String)
    case judgeDoesNotFit(path: String, judgeClasses: [String], judgeChannels: Int,
                         dataset: String, datasetClasses: [String], datasetChannels: Int)

    public var description: String {
        switch self {
        case let .invalidSetting(key, value, expected): "image judge: setting \(key) is \(value), expected \(expected)"
        case let .unlabelled(dataset): "image judge: \(dataset) has no class labels (at least 2 classes are needed)"
        case let .mismatchedHeldOut(train, heldOut, detail):
            "image judge: the held-out set \(heldOut) does not match the training set \(train): \(detail)"
        case let .judgeDoesNotFit(path, judgeClasses, judgeChannels, dataset, datasetClasses, datasetChannels):
            "image judge \(path) was trained on \(judgeChannels)-channel images of classes \(judgeClasses), "
                + "but \(dataset) has \(datasetChannels)-channel images of classes \(datasetClasses): "
                + "delete the file, or give another judge.path (train-ldm evaluate: --set judge.path=FILE) to train a new one there"
        }
    }
}
