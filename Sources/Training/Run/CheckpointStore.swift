import Foundation
import WeightIO

/// The checkpoints folder of a run: `step-NNNNNNN.safetensors` files, the newest `keep` of them kept,
/// and `last.safetensors`, a hard link to the newest.
///
/// Each file is written atomically (temporary file, fsync, rename), and `last` is replaced by a rename
/// too, so a process killed at any moment leaves the previous checkpoint loadable.
public struct CheckpointStore {
    public let folder: URL
    public let keep: Int

    public static let lastFileName = "last.safetensors"

    public init(folder: URL, keep: Int) {
        precondition(keep >= 1, "CheckpointStore: keep must be at least 1")
        self.folder = folder
        self.keep = keep
    }

    /// Writes `checkpoint` as the checkpoint of `step`, points `last` at it and prunes old ones.
    @discardableResult
    public func save(_ checkpoint: Checkpoint, step: Int) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(String(format: "step-%07d.safetensors", step))
        try SafeTensors.write(checkpoint.tensors, metadata: checkpoint.metadata, to: url)
        try pointLast(at: url)
        try prune()
        return url
    }

    /// The step files, oldest first.
    public func stepFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") }.sorted()
            .map { folder.appendingPathComponent($0) }
    }

    private func pointLast(at url: URL) throws {
        let temporary = folder.appendingPathComponent(".last.\(UUID().uuidString).tmp")
        guard link(url.path, temporary.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        guard rename(temporary.path, folder.appendingPathComponent(Self.lastFileName).path) == 0 else {
            unlink(temporary.path)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: Self.lastFileName])
        }
    }

    private func prune() throws {
        let files = stepFiles()
        for old in files.dropLast(keep) { try FileManager.default.removeItem(at: old) }
    }

    /// Reads a checkpoint from a file, a checkpoints folder, or a run folder (its `checkpoints/last`).
    public static func load(_ location: URL) throws -> (checkpoint: Checkpoint, file: URL) {
        let file = resolve(location)
        guard let file else { throw CheckpointError.notFound(path: location.path) }
        let contents = try SafeTensors.read(contentsOf: file)
        var checkpoint = Checkpoint()
        checkpoint.tensors = contents.tensors
        checkpoint.metadata = contents.metadata
        return (checkpoint, file)
    }

    private static func resolve(_ location: URL) -> URL? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: location.path, isDirectory: &isFolder) else { return nil }
        if !isFolder.boolValue { return location }
        for candidate in ["checkpoints/\(lastFileName)", lastFileName] {
            let url = location.appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return nil
    }
}
