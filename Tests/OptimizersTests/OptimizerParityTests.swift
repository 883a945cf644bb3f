import NN
import Optimizers
import TensorCore
import TestSupport
import XCTest

/// Ten steps of each optimizer against torch.optim (Scripts/fixtures/optimizers.py).
final class OptimizerParityTests: XCTestCase {
    func testAdamMatchesTorch() throws {
        try checkAgainstTorch("adam") { parameters, settings in
            Adam(parameters: parameters, learningRate: try settings.scalar("lr"), betas: try settings.betas(),
                 epsilon: try settings.scalar("eps"), weightDecay: try settings.scalar("weight_decay"))
        }
    }

    func testAdamWithAutoencoderBetasAndL2DecayMatchesTorch() throws {
        try checkAgainstTorch("adam_ae") { parameters, settings in
            Adam(parameters: parameters, learningRate: try settings.scalar("lr"), betas: try settings.betas(),
                 epsilon: try settings.scalar("eps"), weightDecay: try settings.scalar("weight_decay"))
        }
    }

    func testAdamWMatchesTorch() throws {
        try checkAgainstTorch("adamw") { parameters, settings in
            AdamW(parameters: parameters, learningRate: try settings.scalar("lr"), betas: try settings.betas(),
                  epsilon: try settings.scalar("eps"), weightDecay: try settings.scalar("weight_decay"))
        }
    }

    func testSGDWithMomentumMatchesTorch() throws {
        try checkAgainstTorch("sgd_momentum", makeSGD)
    }

    func testSGDWithNesterovMomentumMatchesTorch() throws {
        try checkAgainstTorch("sgd_nesterov", makeSGD)
    }

    private func makeSGD(_ parameters: [NamedParameter], _ settings: RunSettings) throws -> Optimizer {
        SGD(parameters: parameters, learningRate: try settings.scalar("lr"), momentum: try settings.scalar("momentum"),
            nesterov: try settings.scalar("nesterov") == 1, weightDecay: try settings.scalar("weight_decay"))
    }

    /// Steps the fixture's problem ten times, comparing w and b with torch after every step.
    private func checkAgainstTorch(_ run: String,
                                   _ makeOptimizer: ([NamedParameter], RunSettings) throws -> Optimizer) throws {
        let fixture = try Fixtures.load("optimizers")
        let x = try fixture.tensor("x"), t = try fixture.tensor("t")
        let model = TinyLinearModel(w: try fixture.tensor("w0"), b: try fixture.tensor("b0"))
        let optimizer = try makeOptimizer(model.namedParameters(), RunSettings(fixture: fixture, run: run))
        let expectedW = try fixture.tensor("\(run).w"), expectedB = try fixture.tensor("\(run).b")
        for step in 0..<expectedW.shape[0] {
            optimizer.step(model.gradients(x, t))
            assertClose(model.w, row(expectedW, step), rtol: 1e-6, atol: 1e-6, "\(run) w after step \(step + 1)")
            assertClose(model.b, row(expectedB, step), rtol: 1e-6, atol: 1e-6, "\(run) b after step \(step + 1)")
        }
        XCTAssertEqual(optimizer.stepCount, expectedW.shape[0])
    }
}

/// The settings of one fixture run, stored as "<run>.<name>".
private struct RunSettings {
    let fixture: [String: Tensor]
    let run: String

    func scalar(_ name: String) throws -> Float { try fixture.tensor("\(run).\(name)").scalar }

    func betas() throws -> (Float, Float) {
        let betas = try fixture.tensor("\(run).betas").scalars
        return (betas[0], betas[1])
    }
}
