import Foundation
import TensorCore

/// A file written by `torch.save` (`.pt`, `.pth`, `.bin`, and CompVis/Lightning `.ckpt`), read
/// without Python and without running anything it contains.
///
/// Both of torch.save's formats are read: the zip archive (PyTorch 1.6 and later) and the legacy
/// stream (`_use_new_zipfile_serialization=False`, and files from before 1.6). `root` is the saved
/// object; `stateDict(prefix:)` and `tensors(prefix:)` flatten the model weights in it.
///
/// ```swift
/// let checkpoint = try PyTorchCheckpoint(contentsOf: url)
/// let weights = try checkpoint.stateDict(prefix: "first_stage_model.")   // [String: Tensor]
/// let step = checkpoint.root["global_step"]?.intValue
/// ```
public struct PyTorchCheckpoint: Sendable {
    public enum Format: Sendable {
        case zip, legacy
    }

    /// The file's path, as errors name it.
    public let path: String
    public let format: Format
    /// The object torch.save was given, usually a dict.
    public let root: PickleValue

    /// Reads the file at `url`: its pickles, and the storages its tensors view (kept as raw bytes
    /// until a tensor is decoded).
    /// - Throws: `PyTorchCheckpointError` naming the file and what is wrong with it.
    public init(contentsOf url: URL) throws {
        path = url.path
        let file: Data
        do {
            file = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw PyTorchCheckpointError(path: path, problem: .unreadable(reason: error.localizedDescription))
        }
        do {
            let contents: CheckpointContents
            switch Array(file.prefix(4)) {
            case [0x50, 0x4B, 0x03, 0x04]:  // "PK\3\4", a zip archive's first local header
                (format, contents) = (.zip, try ZipCheckpointFormat.read(file))
            case let leading where leading.first == PickleOpcode.proto.rawValue:
                (format, contents) = (.legacy, try LegacyCheckpointFormat.read(file))
            case let leading:
                throw PyTorchCheckpointError.Problem.unrecognizedFormat(leadingBytes: leading)
            }
            var freezer = PickleFreezer(storages: contents.storages)
            root = try freezer.freeze(contents.root)
        } catch let problem as PyTorchCheckpointError.Problem {
            throw PyTorchCheckpointError(path: path, problem: problem)
        }
    }
}
