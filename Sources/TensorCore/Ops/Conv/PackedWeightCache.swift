import Foundation

/// The forms a convolution weight is kept in for the kernels.
enum PackedWeightLayout: Hashable {
    /// Row blocks for the implicit-GEMM kernel; the same for the weight turned by 180° with its channel
    /// axes swapped (the input gradient's convolution).
    case direct, turned
    /// Winograd's transformed kernels, of the weight and of the turned weight, for tiles of side
    /// `tileSide` (6×6 kernels for 4×4 tiles, 4×4 for 2×2): the side follows the map's size, so a model
    /// run at two image sizes can need both for one weight.
    case winograd(tileSide: Int32), turnedWinograd(tileSide: Int32)
}

/// Weights packed for the implicit-GEMM kernel, kept while the weight is unchanged: the shards of a
/// training step pack each convolution's weight once between them, and sampling packs it once for
/// all its steps instead of once per call.
///
/// An entry is found by the weight's storage and is valid while that storage lives and has not been
/// written in place since (`TensorStorage.version`). It holds the storage weakly, so it neither keeps
/// a dropped weight alive nor makes an optimizer's in-place update copy the weight. The packed
/// weights kept stay within `ConvolutionMemory.packedWeightsLimit`; beyond it a weight is packed
/// for the call alone.
final class PackedWeightCache: @unchecked Sendable {
    static let shared = PackedWeightCache()

    private struct Key: Hashable {
        let storage: ObjectIdentifier
        let layout: PackedWeightLayout
        /// The packed layout's rows and depth (a storage could serve weights of other shapes).
        let rows: Int, depth: Int
    }

    private struct Entry {
        weak var storage: TensorStorage?
        let version: Int
        let packing: SharedPacking
    }

    private var entries: [Key: Entry] = [:]
    private var keptBytes = 0
    private let lock = NSLock()

    /// The packed form of `weight` in `layout` for a kernel of `rows` output channels and depth
    /// `depth`, made by `pack` into a storage of `count` elements when no valid entry has it. `pack`
    /// writes one of `parts` independent parts of the packed form (for the kernels, blocks of output
    /// channels) at a time.
    ///
    /// The shards reach the same convolution at about the same time: a packing that will be kept is
    /// shared, each caller that finds it in progress packing the parts not yet taken, so the threads
    /// split it instead of one waiting for the other's. One that does not fit the limit is made by the
    /// caller alone.
    func packed(_ weight: Tensor, layout: PackedWeightLayout, rows: Int, depth: Int, count: Int, parts: Int = 1,
                pack: (_ packed: UnsafeMutablePointer<Float>, _ part: Int) -> Void) -> TensorStorage {
        let storage = weight.storage
        let key = Key(storage: ObjectIdentifier(storage), layout: layout, rows: rows, depth: depth)
        let bytes = count * MemoryLayout<Float>.size
        lock.lock()
        if let found = entries[key], found.storage === storage, found.version == storage.version {
            lock.unlock()
            return found.packing.join(pack)
        }
        if let stale = entries.removeValue(forKey: key) { keptBytes -= stale.packing.packed.count * MemoryLayout<Float>.size }
        if keptBytes + bytes > ConvolutionMemory.packedWeightsLimit { dropEntriesOfReleasedWeights() }
        let packing = SharedPacking(count: count, parts: parts)
        if keptBytes + bytes <= ConvolutionMemory.packedWeightsLimit {
            entries[key] = Entry(storage: storage, version: storage.version, packing: packing)
            keptBytes += bytes
        }
        lock.unlock()
        return packing.join(pack)
    }

    private func dropEntriesOfReleasedWeights() {
        for (key, entry) in entries where entry.storage == nil {
            entries[key] = nil
            keptBytes -= entry.packing.packed.count * MemoryLayout<Float>.size
        }
    }
}

/// One packing and who has packed what: each caller that joins it packs parts not yet taken until none
/// is left, then waits for the parts others are packing.
private final class SharedPacking: @unchecked Sendable {
    let packed: TensorStorage
    private let parts: Int
    private var taken = 0, finished = 0
    private let condition = NSCondition()

    init(count: Int, parts: Int) {
        precondition(parts >= 1, "a packing has at least one part")
        packed = TensorStorage(uninitializedCount: count)
        self.parts = parts
    }

    /// The packed storage, once every part is written.
    func join(_ pack: (UnsafeMutablePointer<Float>, Int) -> Void) -> TensorStorage {
        condition.lock()
        while taken < parts {
            let part = taken
            taken += 1
            condition.unlock()
            pack(packed.pointer, part)
            condition.lock()
            finished += 1
            if finished == parts { condition.broadcast() }
        }
        while finished < parts { condition.wait() }
        condition.unlock()
        return packed
    }
}
