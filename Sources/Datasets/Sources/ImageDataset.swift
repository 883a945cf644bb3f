import ImageIO
import TensorCore

/// One training example: an image, and its class label or caption when the dataset has them.
public struct Sample {
    /// [channels, height, width], values in [−1, 1].
    public var image: Tensor
    public var label: Int?
    public var caption: String?
    /// Where it came from, for messages: a file path, or e.g. "Fashion-MNIST train #123".
    public var source: String

    public init(image: Tensor, label: Int? = nil, caption: String? = nil, source: String) {
        self.image = image
        self.label = label
        self.caption = caption
        self.source = source
    }
}

/// A finite, indexable collection of images that a `DataLoader` batches.
///
/// Reading a sample may be random (augmentation), and then draws only from the generator passed in,
/// so the same index and generator state always give the same sample. Implementations are read
/// from the loader's background thread, hence `Sendable`.
public protocol ImageDataset: Sendable {
    /// A human name for messages, e.g. "Fashion-MNIST train" or a folder's path.
    var name: String { get }
    var count: Int { get }
    /// The channels of every image: 1 (grey) or 3 (RGB).
    var channels: Int { get }
    /// The class names, indexed by label; empty when the dataset is unlabelled.
    var classNames: [String] { get }
    /// The files found unreadable so far (each warned about once), for the trainer's log.
    var skippedFiles: [String] { get }

    /// The sample at `index` (0..<count). Throws `UnreadableSample` when that item cannot be read
    /// and should be skipped; any other error is fatal.
    func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample
}

extension ImageDataset {
    public var skippedFiles: [String] { [] }
}

/// An item that cannot be read (a corrupt or unreadable file): the loader replaces it by another.
public struct UnreadableSample: Error, Equatable, CustomStringConvertible {
    public let source: String
    /// What went wrong, naming the source (e.g. "photo.png: truncated or corrupt PNG: …").
    public let message: String

    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { message }
}

/// `image` passed through `transforms` and converted to a [C, H, W] tensor in [−1, 1]; a transform's
/// error is reported with `source`.
func preparedTensor(_ image: Image, transforms: [ImageTransform], source: String,
                    generator: inout SeededGenerator) throws -> Tensor {
    do {
        return Tensor(image: try transforms.apply(to: image, using: &generator))
    } catch {
        throw DatasetError.transformFailed(source: source, message: "\(error)")
    }
}
