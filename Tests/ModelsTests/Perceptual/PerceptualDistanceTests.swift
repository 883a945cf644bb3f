import Models
import NN
import TensorCore
import TestSupport
import XCTest

/// The perceptual distance (EfficientNet-Lite0): its properties, PyTorch's values on photo pairs
/// (Scripts/fixtures/efficientnet_lite0.py) and its gradient.
final class PerceptualDistanceTests: XCTestCase {
    private static var distance: PerceptualDistance?

    private func pretrainedDistance() throws -> PerceptualDistance {
        if let distance = Self.distance { return distance }
        let distance = PerceptualDistance(network: try EfficientNetLite0(pyTorchStateDict: loadEfficientNetLite0Weights()))
        Self.distance = distance
        return distance
    }

    func testMatchesPyTorchOnPhotoPairs() throws {
        let distance = try pretrainedDistance()
        let expected = try Fixtures.load("efficientnet_lite0").tensor("pairs.distances").scalars
        // Pairs 0, 1 and 4 (64×64 colour) in one batch; 2 (40×56) and 3 (grey) alone.
        let colour = try [0, 1, 4].map { try photoPair($0) }
        let batched = withoutGradients {
            distance(Tensor.concatenate(colour.map(\.a), axis: 0), Tensor.concatenate(colour.map(\.b), axis: 0))
        }.scalars
        let odd = try photoPair(2), grey = try photoPair(3, channels: 1)
        let single = withoutGradients { [distance(odd.a, odd.b).scalar, distance(grey.a, grey.b).scalar] }
        let actual = [batched[0], batched[1], single[0], single[1], batched[2]]
        assertClose(actual, expected, rtol: 1e-3, atol: 0)
    }

    func testIdenticalImagesAreAtDistanceZeroAndOrderDoesNotMatter() throws {
        let distance = try pretrainedDistance()
        let pair = try photoPair(0)
        let values = withoutGradients {
            (same: distance(pair.a, pair.a).scalar, forward: distance(pair.a, pair.b).scalar,
             backward: distance(pair.b, pair.a).scalar)
        }
        XCTAssertEqual(values.same, 0)
        XCTAssertGreaterThan(values.forward, 0.1)
        XCTAssertEqual(values.forward, values.backward, accuracy: 1e-6 * values.forward)
    }

    func testGreyImagesCountAsRepeatedToThreeChannels() throws {
        let distance = try pretrainedDistance()
        let grey = try photoPair(3, channels: 1)
        func repeated(_ image: Tensor) -> Tensor { Tensor.concatenate([image, image, image], axis: 1) }
        let values = withoutGradients { (distance(grey.a, grey.b).scalar, distance(repeated(grey.a), repeated(grey.b)).scalar) }
        XCTAssertEqual(values.0, values.1, accuracy: 1e-5 * values.1)
    }

    func testNetworkIsFrozenAndEvaluating() throws {
        let distance = try pretrainedDistance()
        XCTAssertTrue(distance.network.trainableParameters.isEmpty)
        XCTAssertTrue(distance.network.namedParameters().allSatisfy { !$0.parameter.wrappedValue.isDifferentiable })
        XCTAssertTrue(distance.network.namedModules().allSatisfy { !$0.module.isTraining })
    }

    func testGradientMatchesPyTorch() throws {
        let distance = try pretrainedDistance()
        let fixture = try Fixtures.load("efficientnet_lite0")
        let crop = try fixture.tensor("gradient.crop").scalars.map { Int($0) }
        let pair = try photoPair(1)
        let a = cropped(pair.a, top: crop[0], left: crop[1], height: crop[2], width: crop[2]).asLeaf()
        let b = cropped(pair.b, top: crop[0], left: crop[1], height: crop[2], width: crop[2])
        let slope = gradients(of: distance(a, b).sum(), wrt: [a])[0]
        let expected = try fixture.tensor("gradient.a")
        assertClose(slope, expected, rtol: 0, atol: 1e-4 * expected.scalars.map(abs).max()!)
    }

    /// Directional derivatives of Σ d(a, b), analytic against central differences summed in Double,
    /// for both images of a 32×32 photo pair, on a random-weight network. Each direction is the
    /// gradient (scaled to a per-pixel size of about 1) plus random noise: along random directions
    /// alone the derivative is so small that float32 rounding and ReLU6 kinks crossed by the step
    /// blur it by several percent; along these it is large, and a gradient wrong in size or direction
    /// would still disagree with the differences.
    func testGradientMatchesFiniteDifferences() throws {
        var generator = SeededGenerator(seed: 5)
        let distance = PerceptualDistance(network: EfficientNetLite0(generator: &generator))
        let pair = try photoPair(1)
        let images = [pair.a, pair.b].map { cropped($0, top: 16, left: 16, height: 32, width: 32) }
        let leaves = images.map { $0.asLeaf() }
        let slopes = gradients(of: distance(leaves[0], leaves[1]).sum(), wrt: leaves)
        let epsilon: Float = 1e-4
        for input in [0, 0, 1, 1] {
            let length = slopes[input].scalars.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let direction = slopes[input] * (Float(images[input].count).squareRoot() / length)
                + Tensor.randomNormal(images[input].shape, using: &generator) * 0.5
            let analytic = zip(slopes[input].scalars, direction.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            func value(_ step: Float) -> Double {
                var moved = images
                moved[input] = moved[input] + direction * step
                return Double(withoutGradients { distance(moved[0], moved[1]) }.scalar)
            }
            let numeric = (value(epsilon) - value(-epsilon)) / (2 * Double(epsilon))
            XCTAssertEqual(analytic, numeric, accuracy: 1e-2 * abs(numeric), "image \(input)")
        }
    }
}
