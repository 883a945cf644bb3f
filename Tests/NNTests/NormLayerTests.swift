import NN
import TensorCore
import TestSupport
import XCTest

final class NormLayerTests: XCTestCase {
    func testKeysAndDefaultInitialisationFollowPyTorch() {
        let groupNorm = GroupNorm(groups: 2, channels: 4, epsilon: 1e-6)
        XCTAssertEqual(groupNorm.namedParameters().map(\.key), ["weight", "bias"])
        XCTAssertEqual(groupNorm.weight?.wrappedValue.scalars, [1, 1, 1, 1])
        XCTAssertEqual(groupNorm.bias?.wrappedValue.scalars, [0, 0, 0, 0])
        XCTAssertTrue(GroupNorm(groups: 2, channels: 4, affine: false).namedParameters().isEmpty)

        let layerNorm = LayerNorm(features: 3)
        XCTAssertEqual(layerNorm.namedParameters().map(\.key), ["weight", "bias"])
        XCTAssertEqual(layerNorm.weight.scalars, [1, 1, 1])

        let batchNorm = BatchNorm2d(channels: 2)
        XCTAssertEqual(batchNorm.namedParameters().map(\.key), ["weight", "bias"])
        XCTAssertEqual(batchNorm.namedBuffers().map(\.key), ["running_mean", "running_var"])
        XCTAssertEqual(batchNorm.running_var.scalars, [1, 1])

        var rng = SeededGenerator(seed: 61)
        let table = Embedding(count: 100, dimension: 50, generator: &rng)
        XCTAssertEqual(table.namedParameters().map(\.key), ["weight"])
        XCTAssertEqual(table.weight.shape, [100, 50])
        let values = table.weight.scalars.map(Double.init)
        let mean = values.reduce(0, +) / 5000, meanSquare = values.reduce(0) { $0 + $1 * $1 } / 5000
        XCTAssertEqual(mean, 0, accuracy: 0.05)
        XCTAssertEqual(meanSquare, 1, accuracy: 0.08)
    }

    func testLayersApplyTheirOpsWithTheirParameters() {
        var rng = SeededGenerator(seed: 62)
        let x = Tensor.randomNormal([2, 4, 3, 3], using: &rng)
        let groupNormLayer = GroupNorm(groups: 2, channels: 4)
        groupNormLayer.weight!.wrappedValue = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        assertClose(groupNormLayer(x),
                    groupNorm(x, groups: 2, weight: Tensor(shape: [4], scalars: [1, 2, 3, 4]), bias: Tensor.zeros([4])))
        let layerNormLayer = LayerNorm(features: 3, epsilon: 1e-3)
        assertClose(layerNormLayer(x), layerNorm(x, epsilon: 1e-3))
        let embeddingLayer = Embedding(count: 5, dimension: 2, generator: &rng)
        assertClose(embeddingLayer([4, 1], shape: [1, 2]),
                    embedding(embeddingLayer.weight, indices: [4, 1]).reshaped(to: [1, 2, 2]))
    }

    func testBatchNormUpdatesRunningStatisticsOnlyInTraining() {
        var rng = SeededGenerator(seed: 63)
        let layer = BatchNorm2d(channels: 3, momentum: 0.5)
        let x = Tensor.randomNormal([4, 3, 2, 2], using: &rng) * 2 + 1
        let expected = batchNorm(x, weight: Tensor.ones([3]), bias: Tensor.zeros([3]), runningMean: Tensor.zeros([3]),
                                 runningVariance: Tensor.ones([3]), training: true, momentum: 0.5)
        assertClose(layer(x), expected.output)
        assertClose(layer.running_mean, expected.runningMean)
        assertClose(layer.running_var, expected.runningVariance)
        XCTAssertFalse(layer.running_mean.isDifferentiable)

        layer.eval()
        let y = layer(x)
        assertClose(layer.running_mean, expected.runningMean, "evaluation leaves the statistics alone")
        let rstd = expected.runningVariance.scalars.map { 1 / ($0 + 1e-5).squareRoot() }
        let mean = expected.runningMean.scalars
        let first = x.scalars[0], channel1 = x.scalars[4]
        XCTAssertEqual(y.scalars[0], (first - mean[0]) * rstd[0], accuracy: 1e-5)
        XCTAssertEqual(y.scalars[4], (channel1 - mean[1]) * rstd[1], accuracy: 1e-5)
    }

    func testDropoutIsTheIdentityInEvaluation() {
        let layer = Dropout(probability: 0.5)
        let x = Tensor.ones([64])
        var rng = SeededGenerator(seed: 64)
        XCTAssertTrue(layer(x, using: &rng).scalars.contains(0))
        layer.eval()
        XCTAssertEqual(layer(x, using: &rng).scalars, x.scalars)
    }
}
