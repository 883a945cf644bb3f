import Foundation

/// What either torch.save format holds once its container is read: the main pickle's tree and the
/// bytes of every storage it declares.
struct CheckpointContents {
    let root: PickleSlot
    let storages: [String: TorchStorage]
}

extension Unpickler {
    /// Reads the pickle at `start` of `bytes`, naming `stream` in its errors.
    static func unpickle(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, stream: String) throws -> Result {
        do { return try unpickle(bytes, from: start) } catch let error as PickleError {
            throw PyTorchCheckpointError.Problem.pickle(stream: stream, error)
        }
    }
}
