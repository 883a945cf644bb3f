import Datasets
import Evaluation
import TensorCore

/// What a judge makes of a whole labelled dataset.
public struct JudgedDataset {
    /// The pooled features of every image, [N, D].
    public let features: Tensor
    /// The judge's class for each image.
    public let predictions: [Int]
    /// The dataset's labels.
    public let labels: [Int]

    public var accuracy: Double { classificationAccuracy(predictions, labels: labels) }
}

extension ImageJudge {
    /// Features and classes of every image of `dataset` (or of a seeded sample of `limit` of them),
    /// read in order in batches of `batchSize` on the loader's background thread.
    public func judge(_ dataset: any ImageDataset, limit: Int? = nil, seed: UInt64 = 0) throws -> JudgedDataset {
        var source = dataset
        if let limit, limit < dataset.count { source = DatasetSubset(sampling: limit, of: dataset, seed: seed) }
        let loader = try DataLoader(dataset: source, batchSize: min(batchSize, source.count), shuffle: false,
                                    dropLast: false, seed: seed)
        var features: [Tensor] = [], predictions: [Int] = [], labels: [Int] = []
        for _ in 0..<loader.batchesPerEpoch {
            let batch = try loader.next()
            guard let batchLabels = batch.labels else { throw ImageJudgeTrainingError.unlabelled(dataset: dataset.name) }
            let batchFeatures = try self.features(batch.images)
            features.append(batchFeatures)
            predictions += withoutGradients { rowArgmax(classifier.logits(fromFeatures: batchFeatures)) }
            labels += batchLabels
        }
        return JudgedDataset(features: Tensor.concatenate(features, axis: 0), predictions: predictions, labels: labels)
    }
}
