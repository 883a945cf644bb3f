import Datasets
import Foundation

extension DataConfig {
    /// The training set and the held-out set (nil when the source has none) this configuration names.
    public func makeDatasets() throws -> (train: any ImageDataset, heldout: (any ImageDataset)?) {
        switch source {
        case .fashionMNIST:
            return (try FashionMNIST(split: .train), try FashionMNIST(split: .test))
        case .photos:
            return (try PhotoSet(split: .train, cropSize: imageSize, flipProbability: flipProbability),
                    try PhotoSet(split: .heldout, cropSize: imageSize))
        case .emoji:
            let catalog = try EmojiCatalog()
            return (try EmojiDataset(catalog: catalog, split: .train, imageSize: imageSize, captions: captions, labels: labels),
                    try EmojiDataset(catalog: catalog, split: .heldout, imageSize: imageSize, captions: captions,
                                     labels: labels))
        case .folder:
            guard !path.isEmpty else {
                throw DataConfigError(key: "data.path", message: "the folder source needs a folder of images")
            }
            let train = try ImageFolderDataset(folder: URL(fileURLWithPath: path), channels: channels,
                                               transforms: folderTransforms(training: true))
            let heldout = try heldoutPath.isEmpty ? nil
                : ImageFolderDataset(folder: URL(fileURLWithPath: heldoutPath), channels: channels,
                                     transforms: folderTransforms(training: false))
            return (train, heldout)
        }
    }

    /// Shorter side to `imageSize`, then a random (training) or central crop, and flips in training.
    func folderTransforms(training: Bool) -> [ImageTransform] {
        var transforms: [ImageTransform] = [.resizeShorterSide(imageSize)]
        if training {
            transforms.append(.randomCrop(width: imageSize, height: imageSize))
            if flipProbability > 0 { transforms.append(.horizontalFlip(probability: flipProbability)) }
        } else {
            transforms.append(.centerCrop(width: imageSize, height: imageSize))
        }
        return transforms
    }
}

/// A data setting that cannot work, naming its key.
public struct DataConfigError: Error, CustomStringConvertible {
    public let key: String
    public let message: String
    public var description: String { "config key '\(key)': \(message)" }
}
