import Diffusion
import TensorCore
import TestSupport
import XCTest

/// End-to-end sampling with the exact denoiser of Gaussian data, x_0 ~ N(μ, σ²) per element: each
/// sampler's output must have the data's mean and standard deviation.
///
/// With x_t ~ N(√ᾱ·μ, ᾱσ² + 1 − ᾱ), E[ε | x_t] = (x_t − √ᾱ·μ)·√(1 − ᾱ)/(ᾱσ² + 1 − ᾱ). Every step is then
/// affine in x_t plus independent noise, so the output's exact moments follow from x_T ~ N(0, 1) by a
/// scalar recursion (`predictedMoments`): the samples must match those within sampling error, and those
/// must match (μ, σ) up to the samplers' discretisation error.
final class GaussianSamplingTests: XCTestCase {
    private let data = GaussianData(mean: 0.5, standardDeviation: 0.3)
    private let shape = [8, 1, 32, 32]

    func testDDIMRecoversTheData() throws {
        let schedule = try latentSchedule()
        for parameterization in Parameterization.allCases {
            let sampler = try DDIMSampler(schedule: schedule, parameterization: parameterization, steps: 50)
            try assertRecoversData(sampler, parameterization, schedule: schedule, "DDIM \(parameterization)")
        }
        let stochastic = try DDIMSampler(schedule: schedule, parameterization: .eps, steps: 200, eta: 1)
        try assertRecoversData(stochastic, .eps, schedule: schedule, "DDIM η = 1, 200 steps")
    }

    func testDDPMRecoversTheData() throws {
        let schedule = try pixelSchedule()
        let sampler = try DDPMSampler(schedule: schedule, parameterization: .eps, steps: 250)
        try assertRecoversData(sampler, .eps, schedule: schedule, "DDPM 250")
        let full = try DDPMSampler(schedule: schedule, parameterization: .v)
        try assertRecoversData(full, .v, schedule: schedule, "DDPM 1000", tolerance: 0.01)
    }

    private func assertRecoversData(_ sampler: some Sampler, _ parameterization: Parameterization,
                                    schedule: NoiseSchedule, _ name: String,
                                    tolerance: Double = 0.025,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        var generator = SeededGenerator(seed: 31)
        let samples = try sampler.sample(shape: shape, denoiser: data.denoiser(schedule, parameterization),
                                     using: &generator)
        let predicted = predictedMoments(sampler, schedule: schedule)
        let actual = moments(samples)
        let count = Double(shapeCount(shape))
        XCTAssertEqual(actual.mean, predicted.mean, accuracy: 4 * predicted.standardDeviation / count.squareRoot(),
                       "\(name) mean", file: file, line: line)
        XCTAssertEqual(actual.standardDeviation, predicted.standardDeviation,
                       accuracy: 4 * predicted.standardDeviation / (2 * count).squareRoot(), "\(name) std",
                       file: file, line: line)
        XCTAssertEqual(predicted.mean, data.mean, accuracy: tolerance, "\(name) predicted mean", file: file, line: line)
        XCTAssertEqual(predicted.standardDeviation, data.standardDeviation, accuracy: tolerance,
                       "\(name) predicted std", file: file, line: line)
    }

    /// The exact output moments of `sampler` with the optimal denoiser, from x_T ~ N(0, 1), written from
    /// the papers' formulas (DDIM eq. 12; DDPM's posterior, checked on its own in NoiseScheduleTests).
    private func predictedMoments(_ sampler: some Sampler,
                                  schedule: NoiseSchedule) -> (mean: Double, standardDeviation: Double) {
        var mean = 0.0, variance = 1.0
        let timesteps = sampler.timesteps
        for (index, t) in timesteps.enumerated() {
            let next = index + 1 < timesteps.count ? timesteps[index + 1] : nil
            let alphaBar = schedule.alphaBars[t]
            // One step as x ↦ map(x) + √added·z.
            let map: (Double) -> Double, added: Double
            if let ddim = sampler as? DDIMSampler {
                let previous = schedule.alphaBars[next ?? 0]
                let sigma = ddim.eta * ((1 - previous) / (1 - alphaBar) * (1 - alphaBar / previous)).squareRoot()
                map = { x in
                    let noise = self.data.optimalNoise(x, alphaBar: alphaBar)
                    let start = (x - (1 - alphaBar).squareRoot() * noise) / alphaBar.squareRoot()
                    return previous.squareRoot() * start + (1 - previous - sigma * sigma).squareRoot() * noise
                }
                added = sigma * sigma
            } else {
                let posterior = schedule.posterior(from: t, to: next ?? -1)
                map = { x in
                    let noise = self.data.optimalNoise(x, alphaBar: alphaBar)
                    let start = (x - (1 - alphaBar).squareRoot() * noise) / alphaBar.squareRoot()
                    return posterior.startCoefficient * start + posterior.currentCoefficient * x
                }
                added = posterior.variance
            }
            let slope = map(1) - map(0)
            mean = map(mean)
            variance = slope * slope * variance + added
        }
        return (mean, variance.squareRoot())
    }
}

/// Data x_0 ~ N(mean, standardDeviation²) per element, and the exact denoiser for it.
struct GaussianData {
    let mean: Double
    let standardDeviation: Double

    /// E[ε | x_t] at noise level ᾱ.
    func optimalNoise(_ x: Double, alphaBar: Double) -> Double {
        (x - alphaBar.squareRoot() * mean) * (1 - alphaBar).squareRoot()
            / (alphaBar * standardDeviation * standardDeviation + 1 - alphaBar)
    }

    /// The optimal output of a model of `parameterization`, from E[ε | x_t] and E[x_0 | x_t].
    func denoiser(_ schedule: NoiseSchedule, _ parameterization: Parameterization) -> Denoiser {
        return { x, timesteps in
            let perSample = x.count / x.shape[0]
            let values = x.scalars
            return Tensor(shape: x.shape) { out in
                for (b, t) in timesteps.enumerated() {
                    let alphaBar = schedule.alphaBars[t]
                    for i in b * perSample..<(b + 1) * perSample {
                        let xt = Double(values[i])
                        let noise = optimalNoise(xt, alphaBar: alphaBar)
                        let start = (xt - (1 - alphaBar).squareRoot() * noise) / alphaBar.squareRoot()
                        switch parameterization {
                        case .eps: out[i] = Float(noise)
                        case .x0: out[i] = Float(start)
                        case .v: out[i] = Float(alphaBar.squareRoot() * noise - (1 - alphaBar).squareRoot() * start)
                        }
                    }
                }
            }
        }
    }
}
