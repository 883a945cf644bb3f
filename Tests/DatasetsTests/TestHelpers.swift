import Datasets
import Foundation
import ImageIO
import TensorCore

/// A fresh folder under the system's temporary directory, removed when the test ends.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("datasets-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `image` as a PNG at `path` (relative), making folders as needed.
    func writePNG(_ image: Image, at path: String) throws {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try image.write(to: file)
    }

    func write(_ text: String, at path: String) throws {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }
}

/// A grey image of one value.
func plainImage(width: Int = 4, height: Int = 4, value: UInt8) -> Image {
    Image(width: width, height: height, channels: 1, pixels: [UInt8](repeating: value, count: width * height))
}

/// An in-memory dataset whose sample i is a 1 × 2 × 2 image holding (i, and one draw of the
/// augmentation generator), so tests can see both the order and the augmentation; the indices in
/// `unreadable` throw `UnreadableSample`.
struct CountingDataset: ImageDataset {
    var count: Int
    var unreadable: Set<Int> = []
    var name: String { "counting" }
    var channels: Int { 1 }
    var classNames: [String] { ["even", "odd"] }

    func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
        if unreadable.contains(index) { throw UnreadableSample(source: "#\(index)", message: "#\(index): unreadable by design") }
        let image = Tensor(shape: [1, 2, 2], scalars: [Float(index), generator.nextUniform(), 0, 0])
        return Sample(image: image, label: index % 2, source: "#\(index)")
    }
}

extension Batch {
    /// The dataset index of each sample (element 0 of each CountingDataset image).
    var indices: [Int] { (0..<count).map { Int(images.scalars[$0 * 4]) } }
}
