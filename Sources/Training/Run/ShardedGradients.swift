import TensorCore

/// One shard's part of a batch loss: the loss of the shard's samples in the batch's reduction (a mean
/// over the shard's samples), and whatever else the trainer wants back from its forward pass.
public struct ShardLoss<Extra> {
    public var loss: Tensor
    public var extra: Extra

    public init(loss: Tensor, extra: Extra) {
        self.loss = loss
        self.extra = extra
    }
}

/// The gradients of a batch loss computed shard by shard, side by side on the cores (`mapShards`).
///
/// A loss that averages over the batch's samples is the size-weighted mean of the shards' losses,
/// so each shard back-propagates its loss × (shard size / batch size) and the gradients are summed in
/// shard order: the same gradient as one pass over the whole batch, up to the order of the float
/// sums, and the same result for any number of threads.
public struct ShardedGradients<Extra> {
    /// The summed gradient of each parameter.
    public var gradients: [Tensor]
    /// The batch loss: the size-weighted mean of the shards' losses.
    public var loss: Float
    /// Each shard's sample range and the rest of its result, in shard order.
    public var shards: [(range: Range<Int>, extra: Extra)]

    /// - Parameters:
    ///   - batch: the number of samples.
    ///   - shards: how many pieces to cut the batch into (fewer when the batch is smaller).
    ///   - generator: split once per shard, in shard order, before any shard runs; each shard draws
    ///     its random numbers (a posterior sample, dropout) from its own split.
    ///   - shardLoss: the forward pass and loss of the samples in `range`, with the shard's generator.
    ///     It runs on several threads at once: it must not touch shared mutable state.
    public init(batch: Int, shards: Int, wrt parameters: [Tensor], splitting generator: inout SeededGenerator,
                _ shardLoss: (_ range: Range<Int>, _ generator: inout SeededGenerator) -> ShardLoss<Extra>) {
        let ranges = shardRanges(count: batch, shards: shards)
        let generators = ranges.map { _ in generator.split() }
        let results = mapShards(ranges.count) { shard -> (gradients: [Tensor], loss: Float, extra: Extra) in
            var shardGenerator = generators[shard]
            let part = shardLoss(ranges[shard], &shardGenerator)
            let weight = Float(ranges[shard].count) / Float(batch)
            let gradients = ranges.count == 1 ? TensorCore.gradients(of: part.loss, wrt: parameters)
                : TensorCore.gradients(of: part.loss * weight, wrt: parameters)
            return (gradients, part.loss.scalar * weight, part.extra)
        }
        gradients = summedInShardOrder(results.map(\.gradients))
        loss = results.dropFirst().reduce(results[0].loss) { $0 + $1.loss }
        self.shards = zip(ranges, results).map { ($0, $1.extra) }
    }

    /// The same, for a loss that draws no random numbers.
    public init(batch: Int, shards: Int, wrt parameters: [Tensor], _ shardLoss: (_ range: Range<Int>) -> ShardLoss<Extra>) {
        var unused = SeededGenerator(seed: 0)
        self.init(batch: batch, shards: shards, wrt: parameters, splitting: &unused) { range, _ in shardLoss(range) }
    }
}

/// Each parameter's gradients from the shards, summed in shard order (so the sum does not depend on
/// which thread ran which shard).
func summedInShardOrder(_ shardGradients: [[Tensor]]) -> [Tensor] {
    shardGradients.dropFirst().reduce(shardGradients[0]) { zip($0, $1).map { $0 + $1 } }
}
