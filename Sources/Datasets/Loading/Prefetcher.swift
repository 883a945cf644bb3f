import Dispatch

/// Computes one value ahead on a background thread: `start` begins the work for a key, `take`
/// returns its result, waiting if it is not ready yet. Used from one thread (the loader's owner).
final class Prefetcher<Key: Equatable, Value> {
    /// Written by the background thread, read after the work's group has been waited on.
    private final class Slot: @unchecked Sendable {
        var result: Result<Value, Error>?
    }

    private let queue = DispatchQueue(label: "swift-ldm.data-loader", qos: .userInitiated)
    private var pending: (key: Key, done: DispatchGroup, slot: Slot)?

    /// Starts computing `work()` for `key` in the background, replacing any earlier pending work.
    func start(_ key: Key, _ work: @escaping () throws -> Value) {
        pending?.done.wait()
        let done = DispatchGroup(), slot = Slot()
        queue.async(group: done) { slot.result = Result { try work() } }
        pending = (key, done, slot)
    }

    /// The value computed for `key` (its error is rethrown), or nil when the pending work is for
    /// another key or there is none. Nothing is pending afterwards.
    func take(_ key: Key) throws -> Value? {
        guard let current = pending else { return nil }
        pending = nil
        current.done.wait()
        guard current.key == key else { return nil }
        return try current.slot.result!.get()
    }
}
