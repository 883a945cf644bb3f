import Diffusion
import TensorCore
import TestSupport
import XCTest

final class SamplerStepTests: XCTestCase {
    func testDDIMTimestepsAndSigmasMatchCompVis() throws {
        let schedule = try latentSchedule()
        let sampler = try DDIMSampler(schedule: schedule, parameterization: .eps, steps: 50,
                                      eta: Double(try fixture("ddim.eta").scalar))
        XCTAssertEqual(sampler.timesteps, try fixtureIntegers("ddim.timesteps_50").reversed())
        XCTAssertEqual(sampler.timesteps.first, 981)
        XCTAssertEqual(sampler.timesteps.last, 1)
        assertClose(sampler.sigmas.reversed().map(Float.init), try fixture("ddim.sigmas").scalars, rtol: 1e-4)
        // 1000/30 is not whole: CompVis visits 31 timesteps, 33 apart.
        let thirty = try DDIMSampler(schedule: schedule, parameterization: .eps, steps: 30)
        XCTAssertEqual(thirty.timesteps, try fixtureIntegers("ddim.timesteps_30").reversed())
        XCTAssertEqual(thirty.timesteps.count, 31)
        XCTAssertTrue(thirty.sigmas.allSatisfy { $0 == 0 })
    }

    func testDDIMStepMatchesCompVis() throws {
        let schedule = try latentSchedule()
        let x = try fixture("ddim_step.x"), output = try fixture("ddim_step.model_output")
        let noise = try fixture("ddim_step.noise")
        // CompVis counts its index from the smallest timestep; ours counts steps in visiting order.
        let index = 49 - Int(try fixture("ddim_step.index").scalar)
        for parameterization in [Parameterization.eps, .v] {
            let sampler = try DDIMSampler(schedule: schedule, parameterization: parameterization, steps: 50, eta: 0.5)
            XCTAssertEqual(sampler.timesteps[index], Int(try fixture("ddim_step.timestep").scalar))
            XCTAssertTrue(sampler.addsNoise(atStep: index))
            let next = sampler.step(modelOutput: output, noisy: x, index: index, noise: noise)
            assertClose(next, try fixture("ddim_step.\(parameterization).x_prev"), rtol: 1e-4, atol: 1e-5,
                        "\(parameterization)")
            let start = schedule.predictedStart(from: output, parameterization, noisy: x,
                                                timesteps: [sampler.timesteps[index], sampler.timesteps[index]])
            assertClose(start, try fixture("ddim_step.\(parameterization).pred_x0"), rtol: 1e-4, atol: 1e-5)
        }
    }

    func testDDPMStepMatchesCompVis() throws {
        let schedule = try pixelSchedule()
        let x = try fixture("ddpm_step.x"), output = try fixture("ddpm_step.model_output")
        let noise = try fixture("ddpm_step.noise")
        let t = Int(try fixture("ddpm_step.timestep").scalar)
        let cases: [(String, Parameterization, Bool)] = [("eps_clip", .eps, true), ("eps_noclip", .eps, false),
                                                         ("x0_noclip", .x0, false)]
        for (name, parameterization, clips) in cases {
            let sampler = try DDPMSampler(schedule: schedule, parameterization: parameterization, clipsDenoised: clips)
            XCTAssertEqual(sampler.timesteps.count, 1000)
            let index = 999 - t
            XCTAssertEqual(sampler.timesteps[index], t)
            let next = sampler.step(modelOutput: output, noisy: x, index: index, noise: noise)
            assertClose(next, try fixture("ddpm_step.\(name).x_prev"), rtol: 1e-4, atol: 1e-5, name)
        }
        // The last step (t = 0) adds no noise.
        let sampler = try DDPMSampler(schedule: schedule, parameterization: .eps)
        XCTAssertFalse(sampler.addsNoise(atStep: 999))
        XCTAssertTrue(sampler.addsNoise(atStep: 998))
        assertClose(sampler.step(modelOutput: output, noisy: x, index: 999, noise: nil),
                    try fixture("ddpm_step.eps_t0.x_prev"), rtol: 1e-4, atol: 1e-5)
    }

    func testClippingBoundsTheCleanEstimate() throws {
        // x̂_0 from an x_0-prediction far outside [−1, 1]: clipped, the last step returns exactly ±1.
        let schedule = try pixelSchedule()
        let sampler = try DDPMSampler(schedule: schedule, parameterization: .x0, clipsDenoised: true)
        let output = Tensor(shape: [1, 4], scalars: [-3, -0.5, 0.25, 7])
        let last = sampler.step(modelOutput: output, noisy: Tensor.zeros([1, 4]), index: 999, noise: nil)
        assertClose(last.scalars, [-1, -0.5, 0.25, 1], atol: 1e-6)
    }

    func testDDPMWithFewerStepsUsesLeadingSpacing() throws {
        let sampler = try DDPMSampler(schedule: try latentSchedule(), parameterization: .eps, steps: 250)
        XCTAssertEqual(sampler.timesteps, Array(stride(from: 996, through: 0, by: -4)))
        XCTAssertEqual(try DDPMSampler(schedule: try latentSchedule(), parameterization: .eps, steps: 1).timesteps, [0])
    }

    func testBadStepCountsAndEtaAreNamed() throws {
        let schedule = try latentSchedule()
        func ddim(_ steps: Int, eta: Double = 0) throws -> DDIMSampler {
            try DDIMSampler(schedule: schedule, parameterization: .eps, steps: steps, eta: eta)
        }
        assertDiffusionError(try ddim(0), key: "steps", mentioning: "1...1000")
        assertDiffusionError(try ddim(1001), key: "steps", mentioning: "1...1000")
        // The +1 offset would step past the last timestep.
        assertDiffusionError(try ddim(1000), key: "steps", mentioning: "the last would be 1000")
        assertDiffusionError(try ddim(333), key: "steps", mentioning: "the last would be 1000")
        assertDiffusionError(try ddim(50, eta: -0.1), key: "eta", mentioning: "[0, 1]")
        assertDiffusionError(try ddim(50, eta: .nan), key: "eta", mentioning: "nan")
        XCTAssertNoThrow(try ddim(500, eta: 1))
        assertDiffusionError(try DDPMSampler(schedule: schedule, parameterization: .eps, steps: 0), key: "steps",
                             mentioning: "1...1000")
        assertDiffusionError(try DDPMSampler(schedule: schedule, parameterization: .eps, steps: 2000), key: "steps",
                             mentioning: "2000")
        assertDiffusionError(try SamplerConfig(kind: .ddim, steps: 50, eta: 2).makeSampler(schedule: schedule,
                                                                                            parameterization: .eps),
                             key: "eta", mentioning: "2.0")
    }

    func testSamplerConfigBuildsTheKindAsked() throws {
        let schedule = try latentSchedule()
        let ddim = try SamplerConfig(kind: .ddim, steps: 20, eta: 0.3).makeSampler(schedule: schedule,
                                                                                   parameterization: .v)
        let ddimSampler = try XCTUnwrap(ddim as? DDIMSampler)
        XCTAssertEqual(ddimSampler.timesteps.count, 20)
        XCTAssertEqual(ddimSampler.eta, 0.3)
        XCTAssertEqual(ddimSampler.parameterization, .v)
        let ddpm = try SamplerConfig(kind: .ddpm, steps: 100, clipDenoised: true).makeSampler(schedule: schedule,
                                                                                              parameterization: .x0)
        let ddpmSampler = try XCTUnwrap(ddpm as? DDPMSampler)
        XCTAssertEqual(ddpmSampler.timesteps.count, 100)
        XCTAssertTrue(ddpmSampler.clipsDenoised)
    }
}
