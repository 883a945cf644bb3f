/// Where a `DataLoader` is in its stream of batches: the next batch it returns is batch `batch`
/// (counted from 0) of epoch `epoch`. Saved in checkpoints, so that a resumed run sees exactly the
/// batches an uninterrupted one would have.
public struct LoaderState: Codable, Equatable, Sendable {
    public var epoch: Int
    public var batch: Int

    public init(epoch: Int = 0, batch: Int = 0) {
        self.epoch = epoch
        self.batch = batch
    }

    /// The position after this one, in epochs of `batchesPerEpoch` batches.
    public func advanced(batchesPerEpoch: Int) -> LoaderState {
        batch + 1 < batchesPerEpoch ? LoaderState(epoch: epoch, batch: batch + 1) : LoaderState(epoch: epoch + 1, batch: 0)
    }
}
