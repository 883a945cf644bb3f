import Dispatch
import Foundation

/// Process-wide compute settings: how many threads our own loops (and so BLAS products) may use.
public enum ComputeSettings {
    /// Threads used by parallel kernels, `gemm` among them (OpenBLAS itself runs on one). Defaults to
    /// the number of cores, or `LDM_NUM_THREADS` when that is set.
    nonisolated(unsafe) public static var threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["LDM_NUM_THREADS"], let n = Int(text), n > 0 {
            return n
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()
}

/// Runs `body(chunk)` for `chunk` in `0..<chunkCount`, spread over `ComputeSettings.threadCount`
/// threads. One level of parallelism only: a loop inside a loop runs on the calling worker.
///
/// Callers choose `chunkCount` as a fixed function of the problem (never of the thread count),
/// so results are bit-identical for any number of threads.
public func parallelFor(_ chunkCount: Int, _ body: (Int) -> Void) {
    let threads = ComputeSettings.threadCount
    if chunkCount <= 1 || threads <= 1 || ParallelContext.isInsideParallelLoop {
        for chunk in 0..<chunkCount { body(chunk) }
        return
    }
    let workers = min(threads, chunkCount)
    let next = ManagedAtomicCounter()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        ParallelContext.markInside()
        while true {
            let chunk = next.fetchAdd()
            if chunk >= chunkCount { break }
            body(chunk)
        }
        ParallelContext.markOutside()
    }
}

/// Per-thread flag so nested `parallelFor` calls run serially on the calling worker.
enum ParallelContext {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
    static var isInsideParallelLoop: Bool { pthread_getspecific(key) != nil }
    static func markInside() { pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1)) }
    static func markOutside() { pthread_setspecific(key, nil) }
}

/// A lock-protected counter handing out chunk indices to workers.
final class ManagedAtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func fetchAdd() -> Int {
        lock.lock(); defer { lock.unlock() }
        let current = value
        value += 1
        return current
    }
}
