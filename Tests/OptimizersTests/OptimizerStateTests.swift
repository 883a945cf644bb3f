import NN
import Optimizers
import TensorCore
import TestSupport
import XCTest

/// Saving and restoring optimizer state: a restored run continues bit-identically.
final class OptimizerStateTests: XCTestCase {
    private let optimizers: [(name: String, make: ([NamedParameter]) -> Optimizer)] = [
        ("Adam", { Adam(parameters: $0, learningRate: 0.01, betas: (0.5, 0.9), weightDecay: 0.1) }),
        ("AdamW", { AdamW(parameters: $0, learningRate: 0.01) }),
        ("SGD", { SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01) }),
        ("SGD without momentum", { SGD(parameters: $0, learningRate: 0.05) }),
    ]

    func testRestoredRunContinuesBitIdentically() {
        for (name, make) in optimizers {
            var data = SeededGenerator(seed: 3)
            let batches = (0..<6).map { _ in
                (Tensor.randomNormal([4, 3], using: &data), Tensor.randomNormal([4, 4], using: &data))
            }
            let uninterrupted = TinyLinearModel(seed: 1)
            let optimizer = make(uninterrupted.namedParameters())
            var savedModel: [String: Tensor] = [:], savedOptimizer: [String: Tensor] = [:]
            for (step, (x, t)) in batches.enumerated() {
                if step == 3 { (savedModel, savedOptimizer) = (uninterrupted.stateDict(), optimizer.stateTensors()) }
                optimizer.step(uninterrupted.gradients(x, t))
            }

            let resumed = TinyLinearModel(seed: 2)
            let resumedOptimizer = make(resumed.namedParameters())
            XCTAssertNoThrow(try resumed.load(stateDict: savedModel))
            XCTAssertNoThrow(try resumedOptimizer.loadState(savedOptimizer))
            XCTAssertEqual(resumedOptimizer.stepCount, 3, name)
            for (x, t) in batches[3...] { resumedOptimizer.step(resumed.gradients(x, t)) }

            XCTAssertEqual(resumed.w.scalars.map(\.bitPattern), uninterrupted.w.scalars.map(\.bitPattern), name)
            XCTAssertEqual(resumed.b.scalars.map(\.bitPattern), uninterrupted.b.scalars.map(\.bitPattern), name)
            XCTAssertEqual(resumedOptimizer.stateTensors().mapValues(\.scalars),
                           optimizer.stateTensors().mapValues(\.scalars), name)
        }
    }

    func testStateNamesFollowPyTorch() {
        let model = TinyLinearModel(seed: 1)
        let adam = Adam(parameters: model.namedParameters(), learningRate: 0.1)
        XCTAssertEqual(Set(adam.stateTensors().keys), ["step", "exp_avg.w", "exp_avg.b", "exp_avg_sq.w", "exp_avg_sq.b"])
        let sgd = SGD(parameters: model.namedParameters(), learningRate: 0.1, momentum: 0.5)
        XCTAssertEqual(Set(sgd.stateTensors().keys), ["step", "momentum_buffer.w", "momentum_buffer.b"])
    }

    func testLoadingAMissingOrMisshapenStateThrowsAndChangesNothing() {
        let model = TinyLinearModel(seed: 1)
        let adam = AdamW(parameters: model.namedParameters(), learningRate: 0.1)
        adam.step([Tensor.ones([3, 4]), Tensor.ones([4])])
        var state = adam.stateTensors()

        state["exp_avg_sq.b"] = nil
        XCTAssertThrowsError(try adam.loadState(state)) { error in
            XCTAssertEqual(error as? StateDictError, .missingKey("exp_avg_sq.b"))
        }
        state["exp_avg_sq.b"] = Tensor.zeros([5])
        XCTAssertThrowsError(try adam.loadState(state)) { error in
            XCTAssertEqual(error as? StateDictError, .shapeMismatch(key: "exp_avg_sq.b", checkpoint: [5], model: [4]))
        }
        state["exp_avg_sq.b"] = Tensor.zeros([4])
        state["step"] = Tensor(2.5)
        XCTAssertThrowsError(try adam.loadState(state)) { error in
            XCTAssertEqual(error as? StateDictError, .invalidValue(key: "step", reason: "2.5 is not a step count"))
        }
        XCTAssertEqual(adam.stepCount, 1)
        XCTAssertEqual(adam.stateTensors()["exp_avg_sq.b"]?.scalars, [Float](repeating: 1 - 0.999, count: 4))
    }

    func testStepUpdatesParametersInPlaceKeepingTheirGraphIdentity() {
        let model = TinyLinearModel(seed: 1)
        let identity = model.w.graphIdentity
        let before = model.w
        SGD(parameters: model.namedParameters(), learningRate: 0.5).step([Tensor.ones([3, 4]), Tensor.ones([4])])
        XCTAssertEqual(model.w.graphIdentity, identity)
        assertClose(model.w, before - 0.5)
        XCTAssertNotEqual(before.scalars, model.w.scalars, "a value taken before the step must not change")
    }

    func testLearningRateCanBeChangedBetweenSteps() {
        let model = TinyLinearModel(w: Tensor.zeros([3, 4]), b: Tensor.zeros([4]))
        let sgd = SGD(parameters: model.namedParameters(), learningRate: 1)
        sgd.learningRate = 0.25
        sgd.step([Tensor.ones([3, 4]), Tensor.ones([4])])
        XCTAssertEqual(model.b.scalars, [-0.25, -0.25, -0.25, -0.25])
    }
}
