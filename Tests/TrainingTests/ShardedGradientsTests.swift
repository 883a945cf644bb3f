import NN
import TensorCore
import Training
import XCTest

final class ShardedGradientsTests: XCTestCase {
    private let batch = 5
    private var layer: Linear!
    private var inputs: Tensor!
    private var targets: Tensor!

    override func setUp() {
        var generator = SeededGenerator(seed: 3)
        layer = Linear(inFeatures: 6, outFeatures: 3, generator: &generator)
        inputs = Tensor.randomNormal([batch, 6], using: &generator)
        targets = Tensor.randomNormal([batch, 3], using: &generator)
    }

    /// The batch-mean squared error of the samples in `range`, as a shard computes it.
    private func sharded(_ shards: Int) -> ShardedGradients<Range<Int>> {
        ShardedGradients(batch: batch, shards: shards, wrt: [layer.weight, layer.bias!.wrappedValue]) { range in
            let difference = layer(inputs.sliced(axis: 0, range: range)) - targets.sliced(axis: 0, range: range)
            return ShardLoss(loss: (difference * difference).mean(), extra: range)
        }
    }

    func testShardsGiveTheWholeBatchsLossAndGradient() {
        let whole = sharded(1)
        let difference = layer(inputs) - targets
        let loss = (difference * difference).mean()
        XCTAssertEqual(whole.loss, loss.scalar)
        for shards in [2, 3, 5] {
            let result = sharded(shards)
            XCTAssertEqual(result.shards.map(\.range), shardRanges(count: batch, shards: shards))
            XCTAssertEqual(result.loss, whole.loss, accuracy: 1e-6 * abs(whole.loss))
            for (a, b) in zip(result.gradients, whole.gradients) {
                XCTAssertEqual(a.shape, b.shape)
                for (x, y) in zip(a.scalars, b.scalars) { XCTAssertEqual(x, y, accuracy: 1e-5 * max(1, abs(y))) }
            }
        }
    }

    func testShardedResultsDoNotDependOnTheThreadCount() {
        let saved = ComputeSettings.threadCount
        defer { ComputeSettings.threadCount = saved }
        ComputeSettings.threadCount = 1
        let serial = sharded(2)
        ComputeSettings.threadCount = 2
        let parallel = sharded(2)
        XCTAssertEqual(serial.loss, parallel.loss)
        XCTAssertEqual(serial.gradients.map(\.scalars), parallel.gradients.map(\.scalars))
    }
}
