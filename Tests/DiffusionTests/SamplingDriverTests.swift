import Diffusion
import TensorCore
import TestSupport
import XCTest

final class SamplingDriverTests: XCTestCase {
    private struct Stop: Error {}

    func testSameSeedSameSamples() throws {
        let schedule = try latentSchedule()
        let sampler = try DDIMSampler(schedule: schedule, parameterization: .eps, steps: 10, eta: 0.8)
        let denoiser = GaussianData(mean: 0, standardDeviation: 1).denoiser(schedule, .eps)
        func run(_ seed: UInt64) throws -> [Float] {
            var generator = SeededGenerator(seed: seed)
            return try sampler.sample(shape: [2, 3, 4, 4], denoiser: denoiser, using: &generator).scalars
        }
        XCTAssertEqual(try run(1), try run(1))
        XCTAssertNotEqual(try run(1), try run(2))
    }

    func testProgressReportsEveryStep() throws {
        let schedule = try latentSchedule()
        let sampler = try DDPMSampler(schedule: schedule, parameterization: .eps, steps: 5)
        var reports: [SamplingProgress] = []
        var seenTimesteps: [[Int]] = []
        var generator = SeededGenerator(seed: 4)
        let start = Tensor.randomNormal([3, 2], using: &generator).asLeaf()
        let result = sampler.sample(from: start, denoiser: { x, t in seenTimesteps.append(t); return x * 0.1 },
                                    using: &generator, progress: { reports.append($0) })
        XCTAssertEqual(reports.map(\.completedSteps), [1, 2, 3, 4, 5])
        XCTAssertEqual(reports.map(\.totalSteps), [5, 5, 5, 5, 5])
        XCTAssertEqual(reports.map(\.timestep), sampler.timesteps)
        XCTAssertEqual(seenTimesteps, sampler.timesteps.map { [$0, $0, $0] })
        XCTAssertEqual(reports.last?.sample.scalars, result.scalars)
        XCTAssertFalse(result.isDifferentiable, "sampling records no gradients")
    }

    func testAThrowingCallbackStopsSampling() throws {
        let sampler = try DDIMSampler(schedule: try latentSchedule(), parameterization: .eps, steps: 20)
        var calls = 0
        var generator = SeededGenerator(seed: 5)
        XCTAssertThrowsError(try sampler.sample(shape: [1, 4], denoiser: { x, _ in calls += 1; return x },
                                                using: &generator,
                                                progress: { if $0.completedSteps == 3 { throw Stop() } }))
        XCTAssertEqual(calls, 3)
    }

    func testClassifierFreeGuidanceCombinesTheHalvesOfOneCall() throws {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        var calls: [(Tensor, [Int])] = []
        // Unconditional half: x + 1; conditional half: 3x.
        let model: Denoiser = { doubled, timesteps in
            calls.append((doubled, timesteps))
            let (u, c) = (doubled.sliced(axis: 0, range: 0..<2), doubled.sliced(axis: 0, range: 2..<4))
            return Tensor.concatenate([u + 1, c * 3], axis: 0)
        }
        for scale in [0.0, 1.0, 7.5] {
            calls = []
            let guided = try classifierFreeGuidance(scale: scale, model: model)(x, [10, 20])
            let expected = x.scalars.map { value -> Float in
                let u = value + 1, c = 3 * value
                return u + Float(scale) * (c - u)
            }
            assertClose(guided.scalars, expected, rtol: 1e-6, "scale \(scale)")
            XCTAssertEqual(calls.count, 1)
            XCTAssertEqual(calls[0].0.scalars, x.scalars + x.scalars)
            XCTAssertEqual(calls[0].1, [10, 20, 10, 20])
        }
    }
}
