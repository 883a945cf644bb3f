import Configuration
import Diffusion
import Foundation
import TensorCore
import TestSupport
import XCTest

final class NoiseScheduleTests: XCTestCase {
    private let kinds: [(NoiseScheduleConfig, String)] = [
        (NoiseScheduleConfig(kind: .linear, linearStart: 0.00085, linearEnd: 0.012), "linear"),
        (NoiseScheduleConfig(kind: .sqrtLinear, linearStart: 1e-4, linearEnd: 2e-2), "sqrt_linear"),
        (NoiseScheduleConfig(kind: .cosine), "cosine"),
    ]

    func testBetasAndAlphaBarsMatchCompVis() throws {
        for (config, name) in kinds {
            let schedule = try NoiseSchedule(config)
            XCTAssertEqual(schedule.timestepCount, 1000)
            assertClose(schedule.betas.map(Float.init), try fixture("\(name).betas").scalars, rtol: 1e-6, atol: 0, name)
            assertClose(schedule.alphaBars.map(Float.init), try fixture("\(name).alphas_cumprod").scalars,
                        rtol: 1e-5, atol: 1e-9, name)
        }
    }

    func testLinearKindsHitTheirEndsAndSpacing() throws {
        let linear = try NoiseSchedule(NoiseScheduleConfig(kind: .linear, timesteps: 11, linearStart: 0.01,
                                                           linearEnd: 0.09))
        // √β runs 0.1, 0.12, …, 0.3.
        for (t, beta) in linear.betas.enumerated() {
            XCTAssertEqual(beta.squareRoot(), 0.1 + 0.02 * Double(t), accuracy: 1e-12)
        }
        let sqrtLinear = try NoiseSchedule(NoiseScheduleConfig(kind: .sqrtLinear, timesteps: 5, linearStart: 0.1,
                                                               linearEnd: 0.5))
        for (t, beta) in sqrtLinear.betas.enumerated() { XCTAssertEqual(beta, 0.1 + 0.1 * Double(t), accuracy: 1e-12) }
        let single = try NoiseSchedule(NoiseScheduleConfig(kind: .linear, timesteps: 1, linearStart: 0.04,
                                                           linearEnd: 0.09))
        XCTAssertEqual(single.betas.count, 1)
        XCTAssertEqual(single.betas[0], 0.04, accuracy: 1e-15)
    }

    func testCosineAlphaBarFollowsTheSquaredCosine() throws {
        let schedule = try NoiseSchedule(NoiseScheduleConfig(kind: .cosine))
        func f(_ t: Double) -> Double { pow(cos((t / 1000 + 0.008) / 1.008 * Double.pi / 2), 2) }
        // ᾱ_t = f(t + 1)/f(0) until β reaches its 0.999 cap at the very end.
        for t in [0, 1, 250, 500, 900, 990] {
            XCTAssertEqual(schedule.alphaBar(at: t), f(Double(t + 1)) / f(0), accuracy: 1e-12, "t \(t)")
        }
        XCTAssertEqual(schedule.betas.last!, 0.999, accuracy: 0)
    }

    func testDerivedQuantitiesAreConsistent() throws {
        let schedule = try latentSchedule()
        XCTAssertEqual(schedule.alphaBar(at: -1), 1)
        XCTAssertEqual(schedule.alphaBar(at: 0), 1 - 0.00085, accuracy: 1e-15)
        for t in [0, 10, 500, 999] {
            let alphaBar = schedule.alphaBars[t]
            XCTAssertEqual(schedule.signalScale(at: t), alphaBar.squareRoot(), accuracy: 1e-15)
            XCTAssertEqual(pow(schedule.signalScale(at: t), 2) + pow(schedule.noiseScale(at: t), 2), 1, accuracy: 1e-14)
            XCTAssertEqual(schedule.signalToNoiseRatio(at: t), alphaBar / (1 - alphaBar), accuracy: 1e-9)
        }
        XCTAssertTrue(zip(schedule.alphaBars, schedule.alphaBars.dropFirst()).allSatisfy { $0 > $1 })
    }

    func testOneStepPosteriorMatchesCompVis() throws {
        let schedule = try latentSchedule()
        let coefficients = (1..<1000).map { schedule.posterior(from: $0, to: $0 - 1) }
        let first = schedule.posterior(from: 0, to: -1)
        let all = [first] + coefficients
        assertClose(all.map { Float($0.startCoefficient) }, try fixture("linear.posterior_mean_coef1").scalars,
                    rtol: 1e-5)
        assertClose(all.map { Float($0.currentCoefficient) }, try fixture("linear.posterior_mean_coef2").scalars,
                    rtol: 1e-5, atol: 1e-7)
        assertClose(all.map { Float($0.variance) }, try fixture("linear.posterior_variance").scalars,
                    rtol: 1e-5, atol: 1e-10)
        // Landing on the clean sample: the mean is x̂_0 itself and nothing is left to draw.
        XCTAssertEqual(first.startCoefficient, 1, accuracy: 1e-12)
        XCTAssertEqual(first.currentCoefficient, 0, accuracy: 1e-12)
        XCTAssertEqual(first.variance, 0, accuracy: 1e-15)
    }

    func testPosteriorOverSeveralStepsMatchesGaussianConditioning() throws {
        // q(x_s | x_t, x_0) by conditioning the joint Gaussian of (x_s, x_t) given x_0:
        // x_t = √(ᾱ_t/ᾱ_s)·x_s + noise of variance 1 − ᾱ_t/ᾱ_s.
        let schedule = try latentSchedule()
        let (t, s) = (700, 650)
        let alphaT = schedule.alphaBars[t], alphaS = schedule.alphaBars[s], ratio = alphaT / alphaS
        let covariance = ratio.squareRoot() * (1 - alphaS)  // Cov(x_s, x_t | x_0)
        let gain = covariance / (1 - alphaT)
        let posterior = schedule.posterior(from: t, to: s)
        XCTAssertEqual(posterior.currentCoefficient, gain, accuracy: 1e-12)
        XCTAssertEqual(posterior.startCoefficient, alphaS.squareRoot() - gain * alphaT.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(posterior.variance, (1 - alphaS) - gain * covariance, accuracy: 1e-12)
    }

    func testBadSettingsAreNamed() {
        func schedule(_ kind: NoiseScheduleConfig.Kind = .linear, timesteps: Int = 1000, start: Double = 0.00085,
                      end: Double = 0.012) throws -> NoiseSchedule {
            try NoiseSchedule(NoiseScheduleConfig(kind: kind, timesteps: timesteps, linearStart: start, linearEnd: end))
        }
        assertDiffusionError(try schedule(timesteps: 0), key: "timesteps", mentioning: "at least 1")
        assertDiffusionError(try schedule(.cosine, timesteps: -5), key: "timesteps", mentioning: "-5")
        assertDiffusionError(try schedule(start: 0), key: "linear_start", mentioning: "(0, 1)")
        assertDiffusionError(try schedule(.sqrtLinear, start: .nan), key: "linear_start", mentioning: "nan")
        assertDiffusionError(try schedule(start: 0.02, end: 0.01), key: "linear_end", mentioning: "[linear_start, 1)")
        assertDiffusionError(try schedule(end: 1), key: "linear_end", mentioning: "is 1.0")
        assertDiffusionError(try NoiseSchedule(betas: []), key: "betas", mentioning: "one β per timestep")
        assertDiffusionError(try NoiseSchedule(betas: [0.1, 1.5]), key: "betas[1]", mentioning: "(0, 1)")
        // The cosine kind ignores the linear ends.
        XCTAssertNoThrow(try schedule(.cosine, start: -1, end: 7))
    }

    func testRunConfigKeys() throws {
        let (config, _) = try ConfigLoader.load(DiffusionSettings.self, files: [], overrides: [
            "schedule.kind=sqrt_linear", "schedule.timesteps=500", "schedule.linear_start=0.0001",
            "schedule.linear_end=0.02", "loss.parameterization=v", "loss.loss_type=l1", "loss.min_snr_gamma=5",
            "sampler.kind=ddpm", "sampler.steps=250", "sampler.clip_denoised=true",
        ])
        XCTAssertEqual(config.schedule, NoiseScheduleConfig(kind: .sqrtLinear, timesteps: 500, linearStart: 1e-4,
                                                            linearEnd: 2e-2))
        XCTAssertEqual(config.loss, DiffusionLoss(parameterization: .v, lossType: .l1, minSNRGamma: 5))
        XCTAssertEqual(config.sampler, SamplerConfig(kind: .ddpm, steps: 250, clipDenoised: true))
        XCTAssertEqual(DiffusionSettings().schedule, NoiseScheduleConfig(kind: .linear, timesteps: 1000,
                                                                          linearStart: 0.00085, linearEnd: 0.012))
        let badKind = ["schedule.kind=quad"]
        XCTAssertThrowsError(try ConfigLoader.load(DiffusionSettings.self, files: [], overrides: badKind)) {
            XCTAssertTrue("\($0)".contains("schedule.kind"), "\($0)")
        }
    }
}

/// A run config holding the Diffusion settings, as the trainer's will.
private struct DiffusionSettings: Configuration {
    var schedule = NoiseScheduleConfig()
    var loss = DiffusionLoss()
    var sampler = SamplerConfig()
}
