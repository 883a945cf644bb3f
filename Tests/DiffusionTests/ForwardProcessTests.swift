import Diffusion
import TensorCore
import TestSupport
import XCTest

final class ForwardProcessTests: XCTestCase {
    func testNoisedAndVelocityMatchCompVis() throws {
        let schedule = try latentSchedule()
        let timesteps = try fixtureIntegers("q_sample.timesteps")
        let start = try fixture("q_sample.x_start"), noise = try fixture("q_sample.noise")
        assertClose(schedule.noised(start, noise: noise, timesteps: timesteps), try fixture("q_sample.x_noisy"),
                    rtol: 1e-5, atol: 1e-6)
        assertClose(schedule.velocity(start: start, noise: noise, timesteps: timesteps), try fixture("q_sample.v"),
                    rtol: 1e-5, atol: 1e-6)
        assertClose(schedule.target(.v, start: start, noise: noise, timesteps: timesteps), try fixture("q_sample.v"),
                    rtol: 1e-5, atol: 1e-6)
        XCTAssertEqual(schedule.target(.eps, start: start, noise: noise, timesteps: timesteps).scalars, noise.scalars)
        XCTAssertEqual(schedule.target(.x0, start: start, noise: noise, timesteps: timesteps).scalars, start.scalars)
    }

    func testNoisedScalesEachSampleAcrossParallelChunks() throws {
        // 3 × 20 000 elements: the loop's 32 768-element chunks end inside the second sample.
        let schedule = try latentSchedule()
        var generator = SeededGenerator(seed: 2)
        let start = Tensor.randomNormal([3, 20_000], using: &generator)
        let noise = Tensor.randomNormal([3, 20_000], using: &generator)
        let timesteps = [999, 7, 420]
        let noisy = schedule.noised(start, noise: noise, timesteps: timesteps).scalars
        let x0 = start.scalars, epsilon = noise.scalars
        var expected = [Float](repeating: 0, count: noisy.count)
        for i in 0..<noisy.count {
            let t = timesteps[i / 20_000]
            expected[i] = Float(schedule.alphaBars[t].squareRoot() * Double(x0[i])
                                + (1 - schedule.alphaBars[t]).squareRoot() * Double(epsilon[i]))
        }
        assertClose(noisy, expected, rtol: 1e-5, atol: 1e-6)
    }

    func testNoisedSamplesHaveTheMarginalMoments() throws {
        // x_0 = c everywhere: x_t ~ N(√ᾱ_t·c, 1 − ᾱ_t) per element, each sample at its own t.
        let schedule = try latentSchedule()
        var generator = SeededGenerator(seed: 3)
        let timesteps = [0, 300, 999], c: Float = 1.5, perSample = 20_000
        let start = Tensor(repeating: c, shape: [3, perSample])
        let noise = Tensor.randomNormal([3, perSample], using: &generator)
        let noisy = schedule.noised(start, noise: noise, timesteps: timesteps)
        for (b, t) in timesteps.enumerated() {
            let sample = moments(noisy.sliced(axis: 0, range: b..<b + 1))
            let standardDeviation = schedule.noiseScale(at: t)
            // Four standard errors of the mean and of the standard deviation.
            XCTAssertEqual(sample.mean, schedule.signalScale(at: t) * Double(c),
                           accuracy: 4 * standardDeviation / Double(perSample).squareRoot(), "t \(t)")
            XCTAssertEqual(sample.standardDeviation, standardDeviation,
                           accuracy: 4 * standardDeviation / Double(2 * perSample).squareRoot(), "t \(t)")
        }
    }

    func testEveryParameterisationRoundTrips() throws {
        // The target of each parameterisation, read back as a model output, gives x_0 and ε again.
        let schedule = try latentSchedule()
        var generator = SeededGenerator(seed: 5)
        let timesteps = [0, 1, 480, 998, 999]
        let start = Tensor.randomNormal([5, 2, 3, 3], using: &generator)
        let noise = Tensor.randomNormal([5, 2, 3, 3], using: &generator)
        let noisy = schedule.noised(start, noise: noise, timesteps: timesteps)
        for parameterization in Parameterization.allCases {
            let output = schedule.target(parameterization, start: start, noise: noise, timesteps: timesteps)
            let (predictedStart, predictedNoise) = schedule.startAndNoise(from: output, parameterization, noisy: noisy,
                                                                          timesteps: timesteps)
            // x̂_0 from ε divides by √ᾱ_999 ≈ 0.07, and ε̂ from x_0 by √(1 − ᾱ_0) ≈ 0.03: Float rounding grows.
            assertClose(predictedStart, start, rtol: 1e-4, atol: 1e-4, "\(parameterization) x0")
            assertClose(predictedNoise, noise, rtol: 1e-4, atol: 2e-4, "\(parameterization) eps")
        }
    }

    func testTrainingBatchDrawsTimestepsThenNoise() throws {
        let schedule = try latentSchedule()
        var inputs = SeededGenerator(seed: 8)
        let start = Tensor.randomNormal([64, 1, 2, 2], using: &inputs)
        var generator = SeededGenerator(seed: 9)
        let batch = schedule.trainingBatch(start: start, .v, using: &generator)

        var replay = SeededGenerator(seed: 9)
        let timesteps = schedule.randomTimesteps(count: 64, using: &replay)
        let noise = Tensor.randomNormal(start.shape, using: &replay)
        XCTAssertEqual(batch.timesteps, timesteps)
        XCTAssertEqual(batch.noise.scalars, noise.scalars)
        XCTAssertEqual(generator, replay)
        XCTAssertEqual(batch.noisy.scalars, schedule.noised(start, noise: noise, timesteps: timesteps).scalars)
        XCTAssertEqual(batch.target.scalars,
                       schedule.velocity(start: start, noise: noise, timesteps: timesteps).scalars)
        XCTAssertTrue(timesteps.allSatisfy { (0..<1000).contains($0) })
        XCTAssertGreaterThan(Set(timesteps).count, 50)
    }

    func testRandomTimestepsAreUniform() throws {
        let schedule = try NoiseSchedule(NoiseScheduleConfig(kind: .cosine, timesteps: 10))
        var generator = SeededGenerator(seed: 10)
        let draws = schedule.randomTimesteps(count: 50_000, using: &generator)
        var counts = [Int](repeating: 0, count: 10)
        for t in draws { counts[t] += 1 }
        // Each count is Binomial(50 000, 0.1): standard deviation ≈ 67.
        for count in counts { XCTAssertEqual(Double(count), 5000, accuracy: 300) }
    }

    func testConversionsAreDifferentiableInTheModelOutput() throws {
        let schedule = try latentSchedule()
        var generator = SeededGenerator(seed: 11)
        let noisy = Tensor.randomNormal([2, 3, 2], using: &generator)
        let output = Tensor.randomNormal([2, 3, 2], using: &generator)
        let timesteps = [100, 700]
        for parameterization in Parameterization.allCases {
            checkGradients([output, noisy], "\(parameterization)") { inputs in
                let (start, noise) = schedule.startAndNoise(from: inputs[0], parameterization, noisy: inputs[1],
                                                            timesteps: timesteps)
                return start * 2 + noise
            }
        }
        checkGradients([output, noisy], "noised") { schedule.noised($0[0], noise: $0[1], timesteps: timesteps) }
    }
}
