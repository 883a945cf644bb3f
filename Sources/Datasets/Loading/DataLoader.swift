import TensorCore

/// Batches a dataset in seeded random order, epoch after epoch, reading the next batch on a
/// background thread while the current one trains.
///
/// Everything random is a pure function of the seed and the position: the order of epoch e depends
/// only on (seed, e), and the augmentation generator of each sample only on (seed, e, its slot in
/// the epoch), so batches do not depend on timing or prefetching, and a loader created from a saved
/// `state` returns exactly the batches the original would have returned next. A sample that cannot
/// be read is replaced by the next readable index and counted in `replacedSampleCount`.
///
/// Use a loader from one thread at a time.
public final class DataLoader {
    public let dataset: any ImageDataset
    public let batchSize: Int
    public let shuffle: Bool
    /// Whether an epoch's last, smaller batch is left out (so every batch has `batchSize` samples).
    public let dropLast: Bool
    public let batchesPerEpoch: Int
    /// The position of the next batch `next()` returns; save it to resume.
    public private(set) var state: LoaderState
    /// How many unreadable samples the returned batches had replaced.
    public private(set) var replacedSampleCount = 0

    private let seeds: SampleSeeds
    private let assembler: BatchAssembler
    private let prefetcher: Prefetcher<LoaderState, Batch>?
    private var epochOrder: (epoch: Int, indices: [Int])?

    /// A loader starting at `state` (the beginning by default). `prefetch` false reads each batch
    /// when asked, on the calling thread (for tests and debugging).
    public init(dataset: any ImageDataset, batchSize: Int, shuffle: Bool = true, dropLast: Bool = true,
                seed: UInt64, state: LoaderState = LoaderState(), prefetch: Bool = true) throws {
        guard batchSize >= 1 else {
            throw DatasetError.invalidParameter(name: "batch size", value: batchSize, expected: "at least 1")
        }
        guard !dropLast || batchSize <= dataset.count else {
            throw DatasetError.invalidParameter(
                name: "batch size", value: batchSize,
                expected: "at most the \(dataset.count) samples of \(dataset.name) when the last partial batch is dropped")
        }
        let batchesPerEpoch = dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
        guard state.epoch >= 0, (0..<batchesPerEpoch).contains(state.batch) else {
            throw DatasetError.invalidLoaderState(epoch: state.epoch, batch: state.batch, batchesPerEpoch: batchesPerEpoch)
        }
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.batchesPerEpoch = batchesPerEpoch
        self.state = state
        self.seeds = SampleSeeds(seed: seed)
        self.assembler = BatchAssembler(dataset: dataset, seeds: seeds, threads: ComputeSettings.threadCount)
        self.prefetcher = prefetch ? Prefetcher() : nil
    }

    /// The batch at `state`; then `state` moves on (to the next epoch after its last batch) and,
    /// when prefetching, reading the batch after it begins in the background.
    public func next() throws -> Batch {
        let position = state
        let batch = try prefetcher?.take(position) ?? read(position)
        state = position.advanced(batchesPerEpoch: batchesPerEpoch)
        replacedSampleCount += batch.replacedSamples
        if let prefetcher {
            let (next, indices, firstSlot, assembler) = (state, slots(of: state), state.batch * batchSize, assembler)
            prefetcher.start(next) { try assembler.batch(at: next, indices: indices, firstSlot: firstSlot) }
        }
        return batch
    }

    private func read(_ position: LoaderState) throws -> Batch {
        try assembler.batch(at: position, indices: slots(of: position), firstSlot: position.batch * batchSize)
    }

    /// The dataset indices of the batch at `position`.
    private func slots(of position: LoaderState) -> [Int] {
        if epochOrder?.epoch != position.epoch {
            epochOrder = (position.epoch, seeds.order(ofEpoch: position.epoch, count: dataset.count, shuffled: shuffle))
        }
        let start = position.batch * batchSize
        return Array(epochOrder!.indices[start..<min(start + batchSize, dataset.count)])
    }
}
