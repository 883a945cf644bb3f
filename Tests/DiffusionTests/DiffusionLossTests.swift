import Diffusion
import TensorCore
import TestSupport
import XCTest

final class DiffusionLossTests: XCTestCase {
    func testPerSampleMeanDistanceAveragedOverTheBatch() throws {
        let schedule = try latentSchedule()
        let output = Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
        let target = Tensor(shape: [2, 1, 2], scalars: [0, 0, 5, 1])
        let l2 = DiffusionLoss()(output, target: target, timesteps: [3, 900], schedule: schedule)
        XCTAssertEqual(l2.perSample, [2.5, 6.5])  // (1 + 4)/2, (4 + 9)/2
        XCTAssertEqual(l2.loss.scalar, 4.5)
        XCTAssertEqual(l2.weights, [1, 1])
        let l1 = DiffusionLoss(lossType: .l1)(output, target: target, timesteps: [3, 900], schedule: schedule)
        XCTAssertEqual(l1.perSample, [1.5, 2.5])
        XCTAssertEqual(l1.loss.scalar, 2)
    }

    func testMinSNRWeights() throws {
        let schedule = try latentSchedule()
        let gamma = 5.0
        for t in [0, 50, 200, 999] {
            let alphaBar = schedule.alphaBars[t], snr = alphaBar / (1 - alphaBar), clipped = min(snr, gamma)
            func weight(_ parameterization: Parameterization) -> Double {
                DiffusionLoss(parameterization: parameterization, minSNRGamma: gamma).weight(at: t, in: schedule)
            }
            XCTAssertEqual(weight(.eps), clipped / snr, accuracy: 1e-12)
            XCTAssertEqual(weight(.v), clipped / (snr + 1), accuracy: 1e-12)
            XCTAssertEqual(weight(.x0), clipped, accuracy: 1e-12)
            XCTAssertEqual(DiffusionLoss(parameterization: .v).weight(at: t, in: schedule), 1)
        }
        // Low noise (SNR ≫ γ) is down-weighted; high noise keeps weight 1 for ε.
        XCTAssertLessThan(DiffusionLoss(minSNRGamma: gamma).weight(at: 0, in: schedule), 0.01)
        XCTAssertEqual(DiffusionLoss(minSNRGamma: gamma).weight(at: 999, in: schedule), 1)
    }

    func testWeightedLossAndItsGradient() throws {
        let schedule = try latentSchedule()
        var generator = SeededGenerator(seed: 21)
        let output = Tensor.randomNormal([3, 2, 2, 2], using: &generator)
        let target = Tensor.randomNormal([3, 2, 2, 2], using: &generator)
        let timesteps = [5, 400, 990]
        let loss = DiffusionLoss(parameterization: .v, minSNRGamma: 5)
        let value = loss(output, target: target, timesteps: timesteps, schedule: schedule)
        let expected = zip(value.perSample, value.weights).map { Double($0) * $1 }.reduce(0, +) / 3
        XCTAssertEqual(Double(value.loss.scalar), expected, accuracy: 1e-6)
        for (b, perSample) in value.perSample.enumerated() {
            let sample = b..<b + 1
            let difference = doubles(output.sliced(axis: 0, range: sample) - target.sliced(axis: 0, range: sample))
            XCTAssertEqual(Double(perSample), difference.map { $0 * $0 }.reduce(0, +) / 8, accuracy: 1e-5)
        }
        checkGradients([output], "weighted v loss") {
            loss($0[0], target: target, timesteps: timesteps, schedule: schedule).loss
        }
        checkGradients([output], "l1") {
            DiffusionLoss(lossType: .l1)($0[0], target: target, timesteps: timesteps, schedule: schedule).loss
        }
    }

    func testInvalidGammaIsNamed() throws {
        assertDiffusionError(try DiffusionLoss(minSNRGamma: 0).validate(), key: "min_snr_gamma", mentioning: "positive")
        assertDiffusionError(try DiffusionLoss(minSNRGamma: -1).validate(), key: "min_snr_gamma", mentioning: "-1.0")
        XCTAssertNoThrow(try DiffusionLoss(minSNRGamma: 5).validate())
        XCTAssertNoThrow(try DiffusionLoss().validate())
    }
}
