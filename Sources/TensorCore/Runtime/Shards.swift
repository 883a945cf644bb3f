/// Data parallelism over a batch: split it into shards and run each shard's work on its own core.
///
/// On few cores, many small ops scale badly when each op is split between threads (every op waits
/// for its slowest part, and BLAS threads small products poorly); whole forward and backward passes
/// of half a batch each, one per core, keep both cores busy with single-threaded kernels.

/// How many shards a batch is cut into unless a setting says otherwise (`train.shards`, sampling,
/// the latent cache's encoder): one per core of the project's 2-core machines. A fixed number, never
/// the thread count, so that results do not depend on the threads.
public let defaultShardCount = 2

/// `0..<count` split into `shards` contiguous ranges whose sizes differ by at most one (the first
/// ones longer); fewer ranges when `count < shards`, none when `count` is 0.
public func shardRanges(count: Int, shards: Int) -> [Range<Int>] {
    let pieces = min(max(1, shards), count)
    guard pieces > 0 else { return [] }
    let (base, extra) = count.quotientAndRemainder(dividingBy: pieces)
    var ranges: [Range<Int>] = []
    var start = 0
    for piece in 0..<pieces {
        let size = base + (piece < extra ? 1 : 0)
        ranges.append(start..<(start + size))
        start += size
    }
    return ranges
}

/// `body(shard)` for each shard in `0..<count`, the shards side by side on the cores (`parallelFor`:
/// BLAS and nested parallel loops run single-threaded inside), each in the caller's gradient mode.
/// - Returns: the results in shard order, so anything combined from them is combined in a fixed
///   order, whatever the number of threads.
public func mapShards<R>(_ count: Int, _ body: (Int) -> R) -> [R] {
    let recording = GradientMode.isRecording
    var results = [R?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { slots in
        let slots = slots  // each shard writes only its own slot
        parallelFor(count) { shard in
            slots[shard] = recording ? withGradients { body(shard) } : withoutGradients { body(shard) }
        }
    }
    return results.map { $0! }
}
