/// Contiguous Float32 memory behind one or more `Tensor` values.
///
/// A storage is written only while it is being filled by the kernel that created it, or through
/// `Tensor.withMutableScalars` after a uniqueness check (copy-on-write), so sharing it between
/// tensor values is safe.
public final class TensorStorage: @unchecked Sendable {
    public let count: Int
    let pointer: UnsafeMutablePointer<Float>
    private let capacity: Int
    /// Counts in-place writes (`Tensor.withMutableScalars`), so that values derived from the contents
    /// can tell when they are stale (`PackedWeightCache`).
    private(set) var version = 0

    func markWritten() { version &+= 1 }

    /// Uninitialised storage of `count` elements from the buffer pool.
    init(uninitializedCount count: Int) {
        self.count = count
        (pointer, capacity) = BufferPool.shared.allocate(count: count)
    }

    deinit { BufferPool.shared.release(pointer, capacity: capacity) }

    var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
