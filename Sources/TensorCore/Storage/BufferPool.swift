import Foundation

/// A size-bucketed free list of 64-byte-aligned Float buffers.
///
/// Training allocates the same activation sizes every step; reusing them avoids page faults and
/// zeroing by the kernel (a fresh 64 MB allocation costs more than the add written into it).
/// Buckets are powers of two in elements.
///
/// Idle buffers are kept only while the pooled buffers in use and idle together stay within the most
/// ever in use at once (plus `slackBytes`). With shards side by side, each bucket's demand peaks at
/// other moments; keeping every bucket's own peak idle let the process grow step after step (the
/// pixel UNet at 128²: 4.4 GB after three steps, 5.0 GB after eight, with 3.8 GB ever in use at once).
/// A fresh buffer that would cross that line frees idle buffers of other sizes first, largest first.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()

    /// Idle memory allowed above the most ever in use at once, in bytes.
    var slackBytes = 64 << 20

    /// Idle buffers by bucket; only buckets that have some.
    private var freeLists: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var pooledBytes = 0
    /// Bytes of pooled-size buffers handed out and not yet returned, and the most there ever were.
    private var inUseBytes = 0, mostInUseBytes = 0
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
        var evicted: [(UnsafeMutablePointer<Float>, Int)] = []
        if capacity >= minimumPooledCount {
            let bytes = capacity * MemoryLayout<Float>.stride
            lock.lock()
            inUseBytes += bytes
            mostInUseBytes = max(mostInUseBytes, inUseBytes)
            if let pointer = takeIdle(capacity) {
                lock.unlock()
                return (pointer, capacity)
            }
            evicted = evictIdleBuffers()
            lock.unlock()
        }
        for (pointer, bucket) in evicted { Self.deallocate(pointer, capacity: bucket) }
        return (Self.allocateMemory(capacity: capacity), capacity)
    }

    /// Buffers of at least this many bytes are mapped from the system directly, so that freeing one
    /// gives its pages back at once. (From malloc, a freed buffer's pages may stay in the process's
    /// heap, and evicting idle buffers then made the peak memory larger, not smaller.)
    private static let mappedBytes = 1 << 20

    private static func allocateMemory(capacity: Int) -> UnsafeMutablePointer<Float> {
        let bytes = capacity * MemoryLayout<Float>.stride
        if bytes >= mappedBytes {
            guard let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  mapped != MAP_FAILED else {
                fatalError("out of memory: could not map \(bytes >> 20) MB for a tensor")
            }
            return mapped.bindMemory(to: Float.self, capacity: capacity)
        }
        return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64).bindMemory(to: Float.self, capacity: capacity)
    }

    private static func deallocate(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let bytes = capacity * MemoryLayout<Float>.stride
        if bytes >= mappedBytes {
            munmap(pointer, bytes)
        } else {
            UnsafeMutableRawPointer(pointer).deallocate()
        }
    }

    /// Takes idle buffers out of the pool, largest first, until those in use (the new one counted)
    /// and those idle fit within the most ever in use plus the slack. Called under the lock; the
    /// caller frees them after unlocking.
    private func evictIdleBuffers() -> [(UnsafeMutablePointer<Float>, Int)] {
        var evicted: [(UnsafeMutablePointer<Float>, Int)] = []
        while inUseBytes + pooledBytes > mostInUseBytes + slackBytes, let largest = freeLists.keys.max(),
              let pointer = takeIdle(largest) {
            evicted.append((pointer, largest))
        }
        return evicted
    }

    /// An idle buffer of `bucket` out of the pool, or nil; a bucket left empty is removed, so that
    /// every bucket in `freeLists` has idle buffers. Called under the lock.
    private func takeIdle(_ bucket: Int) -> UnsafeMutablePointer<Float>? {
        guard let pointer = freeLists[bucket]?.popLast() else { return nil }
        if freeLists[bucket]!.isEmpty { freeLists[bucket] = nil }
        pooledBytes -= bucket * MemoryLayout<Float>.stride
        return pointer
    }

    /// Returns a buffer obtained from `allocate` with the capacity it came with.
    func release(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        guard capacity >= minimumPooledCount else {
            Self.deallocate(pointer, capacity: capacity)
            return
        }
        let bytes = capacity * MemoryLayout<Float>.stride
        lock.lock()
        inUseBytes -= bytes
        freeLists[capacity, default: []].append(pointer)
        pooledBytes += bytes
        lock.unlock()
    }
}
