import Foundation
import ImageIO
import TensorCore

/// The JPEG and PNG images of a folder (any of grey, RGB, RGBA or palette), with class labels from
/// sub-folder names (see `ImageFolderLayout`) and captions from `metadata.jsonl` or `.txt` files
/// (see `Captions`).
///
/// Images are decoded when a sample is read, converted to `channels` (alpha composited on white),
/// then passed through `transforms`. A file that is not a JPEG or PNG by its first bytes is skipped
/// when the folder is opened; one that fails to decode is skipped when read (`UnreadableSample`,
/// which the loader replaces). Both are warned about once and listed in `skippedFiles`.
public struct ImageFolderDataset: ImageDataset {
    public let folder: URL
    public let channels: Int
    public let transforms: [ImageTransform]
    public let classNames: [String]
    /// The images used, as paths relative to `folder`.
    public let files: [String]
    private let labels: [Int]?
    private let captions: [String?]
    private let skipped: SkippedFiles

    public var name: String { folder.path }
    public var count: Int { files.count }
    public var skippedFiles: [String] { skipped.all }

    /// Lists `folder` and reads its captions; `channels` is 1 (grey) or 3 (RGB).
    public init(folder: URL, channels: Int = 3, transforms: [ImageTransform] = []) throws {
        guard channels == 1 || channels == 3 else { throw DatasetError.unsupportedChannelCount(channels) }
        let layout = try ImageFolderLayout(scanning: folder)
        let captions = try Captions.read(root: folder, files: layout.files)
        let skipped = SkippedFiles()
        let readable = layout.files.indices.filter { index in
            let path = folder.appendingPathComponent(layout.files[index]).path
            guard let problem = Self.signatureProblem(path) else { return true }
            skipped.record(path, message: "\(path): \(problem)")
            return false
        }
        guard !readable.isEmpty else {
            throw DatasetError.nothingReadable(dataset: folder.path, count: layout.files.count)
        }
        self.folder = folder
        self.channels = channels
        self.transforms = transforms
        self.classNames = layout.classNames
        self.files = readable.map { layout.files[$0] }
        self.labels = layout.labels.map { labels in readable.map { labels[$0] } }
        self.captions = readable.map { captions[$0] }
        self.skipped = skipped
    }

    public func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
        precondition((0..<count).contains(index), "\(name): index \(index) outside 0..<\(count)")
        let path = folder.appendingPathComponent(files[index]).path
        let image: Image
        do {
            image = try Image(contentsOf: URL(fileURLWithPath: path)).converted(toChannels: channels)
        } catch {
            skipped.record(path, message: "\(error)")
            throw UnreadableSample(source: path, message: "\(error)")
        }
        let tensor = try preparedTensor(image, transforms: transforms, source: path, generator: &generator)
        return Sample(image: tensor, label: labels?[index], caption: captions[index], source: path)
    }

    /// Why the file at `path` cannot be a JPEG or PNG image judging by its first bytes, or nil.
    private static func signatureProblem(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "cannot open the file" }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8)) ?? Data()
        return ImageFormat.sniff(head) == nil ? "not a JPEG or PNG file" : nil
    }
}
