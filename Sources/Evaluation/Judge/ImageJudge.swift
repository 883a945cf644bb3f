import Foundation
import NN
import TensorCore
import WeightIO

/// A trained `ImageClassifier` with its class names and image shape: it labels generated images and
/// maps them to the feature space of the Fréchet distance.
///
/// Images are [N, C, H, W] in [−1, 1] (values outside are clamped, as a PNG of them would be); they are
/// processed in batches of `batchSize`, without gradients.
public final class ImageJudge {
    /// The "kind" metadata of a judge checkpoint.
    public static let checkpointKind = "image-judge"

    /// The metadata keys of a judge checkpoint besides "format" and "kind" (values are JSON).
    public enum MetadataKey {
        public static let architecture = "architecture"
        public static let classNames = "class_names"
        public static let imageShape = "image_shape"
    }

    /// The checkpoint section holding the classifier's weights ("model.<key>").
    public static let weightsSection = "model"

    public let classifier: ImageClassifier
    public let classNames: [String]
    /// [C, H, W] of the images it was trained on and accepts.
    public let imageShape: [Int]
    /// Images per forward pass.
    public var batchSize = 200

    public init(classifier: ImageClassifier, classNames: [String], imageShape: [Int]) {
        precondition(classNames.count == classifier.architecture.classes,
                     "ImageJudge: \(classNames.count) class names for \(classifier.architecture.classes) classes")
        precondition(imageShape.count == 3 && imageShape[0] == classifier.architecture.inputChannels,
                     "ImageJudge: image shape \(imageShape) for \(classifier.architecture.inputChannels) input channels")
        self.classifier = classifier
        self.classNames = classNames
        self.imageShape = imageShape
    }

    /// Reads a judge checkpoint written by `trainImageJudge`.
    /// - Throws: `ImageJudgeError` naming the file when it is unreadable or truncated, not a judge
    ///   checkpoint, or its weights do not fit its architecture.
    public convenience init(contentsOf url: URL) throws {
        let contents: SafeTensorsFile
        do {
            contents = try SafeTensors.read(contentsOf: url)
        } catch {
            throw ImageJudgeError.unreadableFile(path: url.path, reason: "\(error)")
        }
        try self.init(tensors: contents.tensors, metadata: contents.metadata, path: url.path)
    }

    /// The judge a checkpoint's `tensors` and `metadata` describe; `path` names it in errors.
    public convenience init(tensors: [String: Tensor], metadata: [String: String], path: String) throws {
        guard metadata["kind"] == Self.checkpointKind else {
            throw ImageJudgeError.notAJudge(path: path, kind: metadata["kind"])
        }
        let architecture = try decodeMetadata(ImageClassifierArchitecture.self, MetadataKey.architecture, metadata, path)
        let classNames = try decodeMetadata([String].self, MetadataKey.classNames, metadata, path)
        let imageShape = try decodeMetadata([Int].self, MetadataKey.imageShape, metadata, path)
        guard classNames.count == architecture.classes, imageShape.count == 3,
              imageShape[0] == architecture.inputChannels else {
            throw ImageJudgeError.invalidMetadata(
                path: path, key: MetadataKey.classNames,
                reason: "\(classNames.count) class names and image shape \(imageShape) do not fit \(architecture)")
        }
        var unused = SeededGenerator(seed: 0)
        let classifier = ImageClassifier(architecture, generator: &unused)
        let prefix = Self.weightsSection + "."
        var weights: [String: Tensor] = [:]
        for (key, tensor) in tensors where key.hasPrefix(prefix) { weights[String(key.dropFirst(prefix.count))] = tensor }
        do {
            try classifier.load(stateDict: weights)
        } catch {
            throw ImageJudgeError.mismatchedWeights(path: path, reason: "\(error)")
        }
        classifier.eval()
        self.init(classifier: classifier, classNames: classNames, imageShape: imageShape)
    }

    /// The metadata that describes this judge in its checkpoint (JSON values under `MetadataKey`s).
    public func metadata() throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        return ["kind": Self.checkpointKind,
                MetadataKey.architecture: try json(classifier.architecture),
                MetadataKey.classNames: try json(classNames),
                MetadataKey.imageShape: try json(imageShape)]
    }

    /// The predicted class of each image: [N, C, H, W] → N labels.
    public func classify(_ images: Tensor) throws -> [Int] {
        rowArgmax(try batched(images) { classifier($0) })
    }

    /// The pooled penultimate features of each image: [N, C, H, W] → [N, D].
    public func features(_ images: Tensor) throws -> Tensor {
        try batched(images) { classifier.features($0) }
    }

    /// The fraction of `images` classified as their `labels`.
    public func accuracy(_ images: Tensor, labels: [Int]) throws -> Double {
        guard images.rank >= 1, images.shape[0] == labels.count else {
            throw ImageJudgeError.labelCountMismatch(images: images.shape.first ?? 0, labels: labels.count)
        }
        return classificationAccuracy(try classify(images), labels: labels)
    }

    /// `body` applied to consecutive batches of `images` without gradients, the results concatenated.
    private func batched(_ images: Tensor, _ body: (Tensor) -> Tensor) throws -> Tensor {
        guard images.rank == 4, Array(images.shape.dropFirst()) == imageShape, images.shape[0] > 0 else {
            throw ImageJudgeError.imageShapeMismatch(expected: imageShape, found: images.shape)
        }
        return withoutGradients {
            let count = images.shape[0]
            let parts = stride(from: 0, to: count, by: batchSize).map { start in
                body(images.sliced(axis: 0, range: start..<min(start + batchSize, count)).clamped(min: -1, max: 1))
            }
            return parts.count == 1 ? parts[0] : Tensor.concatenate(parts, axis: 0)
        }
    }
}

/// The JSON value of metadata `key`, or an `ImageJudgeError` naming the file and key.
private func decodeMetadata<T: Decodable>(_ type: T.Type, _ key: String, _ metadata: [String: String],
                                          _ path: String) throws -> T {
    guard let text = metadata[key] else {
        throw ImageJudgeError.invalidMetadata(path: path, key: key, reason: "missing")
    }
    do {
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    } catch {
        throw ImageJudgeError.invalidMetadata(path: path, key: key, reason: "\(error)")
    }
}

/// Why a judge cannot be loaded or used.
public enum ImageJudgeError: Error, Equatable, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case notAJudge(path: String, kind: String?)
    case invalidMetadata(path: String, key: String, reason: String)
    case mismatchedWeights(path: String, reason: String)
    case imageShapeMismatch(expected: [Int], found: [Int])
    case labelCountMismatch(images: Int, labels: Int)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason): "image judge \(path): \(reason)"
        case let .notAJudge(path, kind):
            "\(path) is not an image judge checkpoint: its metadata 'kind' is \(kind.map { "'\($0)'" } ?? "missing"), "
                + "expected '\(ImageJudge.checkpointKind)'"
        case let .invalidMetadata(path, key, reason): "image judge \(path): metadata '\(key)' is unusable: \(reason)"
        case let .mismatchedWeights(path, reason): "image judge \(path): weights do not fit its architecture: \(reason)"
        case let .imageShapeMismatch(expected, found):
            "image judge: images of shape \(found), expected [N, \(expected.map(String.init).joined(separator: ", "))] with N ≥ 1"
        case let .labelCountMismatch(images, labels): "image judge: \(images) images but \(labels) labels"
        }
    }
}
