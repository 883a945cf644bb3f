import Foundation

/// Weights packed for the implicit-GEMM kernel, kept while the weight is unchanged: the shards of a
/// training step pack each convolution's weight once between them, and sampling packs it once for
/// all its steps instead of once per call.
///
/// An entry is found by the weight's storage and is valid while that storage lives and has not been
/// written in place since (`TensorStorage.version`). It holds the storage weakly, so it neither keeps
/// a dropped weight alive nor makes an optimizer's in-place update copy the weight.
final class PackedWeightCache: @unchecked Sendable {
    static let shared = PackedWeightCache()

    /// How many packed weights are kept at most (more than any model here has convolutions).
    private static let capacity = 512

    private struct Key: Hashable {
        let storage: ObjectIdentifier
        let turned: Bool
        /// The packed layout's rows and depth (a storage could serve weights of other shapes).
        let rows: Int, depth: Int
    }

    private struct Entry {
        weak var storage: TensorStorage?
        let version: Int
        let packed: TensorStorage
    }

    private var entries: [Key: Entry] = [:]
    private let lock = NSLock()

    /// The packed form of `weight` (turned or not) as a kernel of `rows` output channels and depth
    /// `depth`, made by `pack` into a storage of `count` elements when no valid entry has it.
    ///
    /// Packing happens under the lock: the shards reach the same convolution at about the same time,
    /// and the later one waits for the earlier one's packing instead of repeating it.
    func packed(_ weight: Tensor, turned: Bool, rows: Int, depth: Int, count: Int,
                pack: (UnsafeMutablePointer<Float>) -> Void) -> TensorStorage {
        let storage = weight.storage
        let key = Key(storage: ObjectIdentifier(storage), turned: turned, rows: rows, depth: depth)
        lock.lock()
        defer { lock.unlock() }
        if let found = entries[key], found.storage === storage, found.version == storage.version {
            return found.packed
        }
        let packed = TensorStorage(uninitializedCount: count)
        pack(packed.pointer)
        if entries.count >= Self.capacity { entries = entries.filter { $0.value.storage != nil } }
        if entries.count >= Self.capacity { entries.removeAll() }
        entries[key] = Entry(storage: storage, version: storage.version, packed: packed)
        return packed
    }
}
