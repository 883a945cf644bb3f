import Foundation
import ImageIO
import TensorCore

/// Fashion-MNIST (Xiao et al., 2017): 28 × 28 grey images of clothing in 10 balanced classes, read
/// from the gzipped IDX files of Debian's `dataset-fashion-mnist` package.
///
/// The training split has 60,000 images, the test split (`t10k`, the held-out set) 10,000. By
/// default every image is padded with 2 pixels of background (black, −1 after scaling) to 32 × 32,
/// a size the autoencoders can halve several times.
public struct FashionMNIST: ImageDataset {
    public enum Split: String, Sendable {
        case train
        case test

        /// The prefix of the split's file names.
        var filePrefix: String { self == .train ? "train" : "t10k" }
    }

    /// Where Debian's `dataset-fashion-mnist` installs the files.
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    /// Pads 28 × 28 to 32 × 32 with the background value.
    public static let standardTransforms: [ImageTransform] = [.pad(2, value: 0)]
    static let side = 28

    public let split: Split
    public let transforms: [ImageTransform]
    public var name: String { "Fashion-MNIST \(split.rawValue)" }
    public var count: Int { labels.count }
    public var channels: Int { 1 }
    public var classNames: [String] { Self.classNames }
    private let pixels: [UInt8]
    private let labels: [UInt8]

    /// Reads the split's images and labels from `directory`.
    public init(split: Split, directory: URL = defaultDirectory,
                transforms: [ImageTransform] = standardTransforms) throws {
        let imagesFile = "\(split.filePrefix)-images-idx3-ubyte.gz"
        let labelsFile = "\(split.filePrefix)-labels-idx1-ubyte.gz"
        let missing = [imagesFile, labelsFile].filter {
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
        }
        guard missing.isEmpty else {
            throw DatasetError.missingFiles(
                dataset: "Fashion-MNIST", directory: directory.path, files: missing,
                remedy: "install the Debian package dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist, "
                    + "or make setup)")
        }
        let images = try IDXFile(contentsOf: directory.appendingPathComponent(imagesFile))
        let labels = try IDXFile(contentsOf: directory.appendingPathComponent(labelsFile))
        try Self.validate(images: images, labels: labels,
                          imagesPath: directory.appendingPathComponent(imagesFile).path,
                          labelsPath: directory.appendingPathComponent(labelsFile).path)
        self.split = split
        self.transforms = transforms
        self.pixels = images.bytes
        self.labels = labels.bytes
    }

    private static func validate(images: IDXFile, labels: IDXFile, imagesPath: String, labelsPath: String) throws {
        guard images.dimensions.count == 3, images.dimensions[1] == side, images.dimensions[2] == side else {
            throw DatasetError.malformedFile(path: imagesPath, message: "dimensions \(images.dimensions), "
                                             + "expected [count, \(side), \(side)]")
        }
        guard labels.dimensions == [images.dimensions[0]] else {
            throw DatasetError.malformedFile(path: labelsPath, message: "dimensions \(labels.dimensions), "
                                             + "expected [\(images.dimensions[0])] (one label per image)")
        }
        if let bad = labels.bytes.firstIndex(where: { Int($0) >= classNames.count }) {
            throw DatasetError.malformedFile(path: labelsPath, message: "label \(labels.bytes[bad]) of item \(bad) "
                                             + "is not a class (0…\(classNames.count - 1))")
        }
    }

    public func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
        precondition((0..<count).contains(index), "\(name): index \(index) outside 0..<\(count)")
        let area = Self.side * Self.side
        let image = Image(width: Self.side, height: Self.side, channels: 1,
                          pixels: Array(pixels[index * area..<(index + 1) * area]))
        let source = "\(name) #\(index)"
        let tensor = try preparedTensor(image, transforms: transforms, source: source, generator: &generator)
        return Sample(image: tensor, label: Int(labels[index]), source: source)
    }
}
