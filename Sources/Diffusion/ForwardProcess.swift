import TensorCore

/// A batch ready for one training step: the noised inputs, their timesteps, and what the model should
/// output for them.
public struct DiffusionTrainingBatch {
    /// x_t [B, …].
    public let noisy: Tensor
    /// t per sample, uniform in 0..<T.
    public let timesteps: [Int]
    /// ε [B, …], the standard normal noise in `noisy`.
    public let noise: Tensor
    /// The regression target [B, …] of the model's parameterisation.
    public let target: Tensor
}

extension NoiseSchedule {
    /// x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε with a timestep per sample (CompVis `q_sample`).
    /// - Parameters: start and noise are [B, …]; timesteps holds B values in 0..<T.
    public func noised(_ start: Tensor, noise: Tensor, timesteps: [Int]) -> Tensor {
        checkBatch(timesteps, of: start, beside: noise)
        return perSampleWeightedSum([(start, timesteps.map(signalScale)), (noise, timesteps.map(noiseScale))])
    }

    /// v = √ᾱ_t·ε − √(1 − ᾱ_t)·x_0 (Salimans & Ho 2022; CompVis `get_v`); shapes as `noised`.
    public func velocity(start: Tensor, noise: Tensor, timesteps: [Int]) -> Tensor {
        checkBatch(timesteps, of: start, beside: noise)
        return perSampleWeightedSum([(noise, timesteps.map(signalScale)),
                                     (start, timesteps.map { -noiseScale(at: $0) })])
    }

    /// What a model of `parameterization` should output for the x_t made of `start` and `noise`
    /// (CompVis `p_losses`); shapes as `noised`.
    public func target(_ parameterization: Parameterization, start: Tensor, noise: Tensor,
                       timesteps: [Int]) -> Tensor {
        switch parameterization {
        case .eps: return noise
        case .x0: return start
        case .v: return velocity(start: start, noise: noise, timesteps: timesteps)
        }
    }

    /// `count` timesteps drawn uniformly from 0..<T.
    public func randomTimesteps(count: Int, using generator: inout SeededGenerator) -> [Int] {
        (0..<count).map { _ in Int(generator.next() % UInt64(timestepCount)) }
    }

    /// Noises `start` [B, …] for a training step: draws t per sample, then ε, both from `generator` in that
    /// order (CompVis `forward` and `p_losses`).
    public func trainingBatch(start: Tensor, _ parameterization: Parameterization,
                              using generator: inout SeededGenerator) -> DiffusionTrainingBatch {
        precondition(start.rank >= 1, "trainingBatch: a batch needs a leading axis, got shape \(start.shape)")
        let timesteps = randomTimesteps(count: start.shape[0], using: &generator)
        let noise = Tensor.randomNormal(start.shape, using: &generator)
        return DiffusionTrainingBatch(
            noisy: noised(start, noise: noise, timesteps: timesteps), timesteps: timesteps, noise: noise,
            target: target(parameterization, start: start, noise: noise, timesteps: timesteps))
    }
}
