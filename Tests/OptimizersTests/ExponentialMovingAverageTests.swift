import NN
import Optimizers
import TensorCore
import TestSupport
import XCTest
import Foundation

final class ExponentialMovingAverageTests: XCTestCase {
    /// With the parameter held at c, s_n − c = (s_0 − c)·Π d_k. With warm-up d_k = (1+k)/(10+k) while
    /// that is below the decay, and Π_{k=1..n} (1+k)/(10+k) = 10!·(n+1)!/(n+10)!.
    func testWarmupDecayFollowsLitEma() {
        let model = TinyLinearModel(w: Tensor(repeating: 2, shape: [3, 4]), b: Tensor(repeating: -1, shape: [4]))
        let ema = ExponentialMovingAverage(parameters: model.namedParameters(), decay: 0.9999)
        XCTAssertEqual(ema.nextDecay, 2.0 / 11.0, accuracy: 1e-7)
        fill(model.$w, with: 5)
        for _ in 0..<3 { ema.update() }
        let product = Float(24.0 / (11.0 * 12.0 * 13.0))  // 10!·4!/13!
        ema.withAveragedWeights {
            assertClose(model.w, Tensor(repeating: 5 + (2 - 5) * product, shape: [3, 4]))
            assertClose(model.b, Tensor(repeating: -1, shape: [4]))
        }
        XCTAssertEqual(ema.updateCount, 3)
    }

    func testConstantDecayWithoutWarmup() {
        let model = TinyLinearModel(w: Tensor.zeros([3, 4]), b: Tensor.zeros([4]))
        let ema = ExponentialMovingAverage(parameters: model.namedParameters(), decay: 0.9, warmup: false)
        fill(model.$b, with: 1)
        for _ in 0..<5 { ema.update() }
        ema.copyToModel()
        assertClose(model.b, Tensor(repeating: 1 - Float(Foundation.pow(0.9, 5.0)), shape: [4]), rtol: 1e-6)
    }

    func testWarmupStopsAtTheConfiguredDecay() {
        let model = TinyLinearModel(seed: 1)
        let ema = ExponentialMovingAverage(parameters: model.namedParameters(), decay: 0.5)
        XCTAssertEqual(ema.nextDecay, 2.0 / 11.0, accuracy: 1e-7)
        for _ in 0..<8 { ema.update() }
        XCTAssertEqual(ema.nextDecay, 0.5)  // (1+9)/(10+9) > 0.5
    }

    func testAveragedWeightsAreSwappedBackEvenOnError() {
        let model = TinyLinearModel(seed: 1)
        let trained = model.w.scalars, identity = model.w.graphIdentity
        let ema = ExponentialMovingAverage(parameters: model.namedParameters(), decay: 0.9, warmup: false)
        fill(model.$w, with: 3)
        let moved = model.w.scalars
        ema.update()
        struct Failure: Error {}
        XCTAssertThrowsError(try ema.withAveragedWeights {
            assertClose(model.w.scalars, zip(trained, moved).map { 0.9 * $0 + 0.1 * $1 }, rtol: 1e-6)
            XCTAssertEqual(model.w.graphIdentity, identity)
            throw Failure()
        })
        XCTAssertEqual(model.w.scalars, moved)
        XCTAssertEqual(model.w.graphIdentity, identity)
        XCTAssertTrue(model.w.isDifferentiable)
    }

    func testRestoredAverageContinuesBitIdentically() throws {
        let model = TinyLinearModel(seed: 1)
        let ema = ExponentialMovingAverage(parameters: model.namedParameters(), decay: 0.99)
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<3 { setRandom(model, &generator); ema.update() }
        let saved = ema.stateTensors()
        XCTAssertEqual(Set(saved.keys), ["num_updates", "shadow.w", "shadow.b"])

        let restored = ExponentialMovingAverage(parameters: model.namedParameters(), decay: 0.99)
        try restored.loadState(saved)
        for _ in 0..<3 { setRandom(model, &generator); ema.update(); restored.update() }
        XCTAssertEqual(restored.stateTensors().mapValues(\.scalars), ema.stateTensors().mapValues(\.scalars))

        XCTAssertThrowsError(try restored.loadState(["num_updates": Tensor(1)])) { error in
            XCTAssertEqual(error as? StateDictError, .missingKey("shadow.w"))
        }
    }

    /// Sets every element of `parameter` to `value`, in place.
    private func fill(_ parameter: Parameter, with value: Float) {
        parameter.update { $0.update(repeating: value) }
    }

    /// Draws new N(0, 1) values for every parameter of `model`.
    private func setRandom(_ model: TinyLinearModel, _ generator: inout SeededGenerator) {
        for (_, parameter) in model.namedParameters() {
            let shape = parameter.wrappedValue.shape
            parameter.wrappedValue = Tensor.randomNormal(shape, using: &generator)
        }
    }
}
