import Foundation

/// A size-bucketed free list of 64-byte-aligned Float buffers.
///
/// Training allocates the same activation sizes every step; reusing them avoids page faults and
/// zeroing by the kernel (a fresh 64 MB allocation costs more than the add written into it).
/// Buckets are powers of two in elements; at most `maxPooledBytes` are kept idle.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()

    /// Idle memory kept for reuse, in bytes.
    var maxPooledBytes = 2 << 30

    private var freeLists: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var pooledBytes = 0
    private let lock = NSLock()

    /// Buffers below this many elements are not pooled: malloc is fast for them.
    private let minimumPooledCount = 1024

    /// The bucket (capacity in elements) a request of `count` elements is served from.
    func capacity(for count: Int) -> Int {
        if count < minimumPooledCount { return max(count, 1) }
        return 1 << (Int.bitWidth - (count - 1).leadingZeroBitCount)
    }

    /// A buffer of at least `count` elements, contents undefined.
    func allocate(count: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let capacity = capacity(for: count)
        if capacity >= minimumPooledCount {
            lock.lock()
            if let pointer = freeLists[capacity]?.popLast() {
                pooledBytes -= capacity * MemoryLayout<Float>.stride
                lock.unlock()
                return (pointer, capacity)
            }
            lock.unlock()
        }
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
        return (raw.bindMemory(to: Float.self, capacity: capacity), capacity)
    }

    /// Returns a buffer obtained from `allocate` with the capacity it came with.
    func release(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let bytes = capacity * MemoryLayout<Float>.stride
        if capacity >= minimumPooledCount {
            lock.lock()
            if pooledBytes + bytes <= maxPooledBytes {
                freeLists[capacity, default: []].append(pointer)
                pooledBytes += bytes
                lock.unlock()
                return
            }
            lock.unlock()
        }
        UnsafeMutableRawPointer(pointer).deallocate()
    }

    /// Frees every idle buffer (for tests of peak memory and for long-lived processes between phases).
    func drain() {
        lock.lock()
        let lists = freeLists
        freeLists = [:]
        pooledBytes = 0
        lock.unlock()
        for list in lists.values { for pointer in list { UnsafeMutableRawPointer(pointer).deallocate() } }
    }
}
