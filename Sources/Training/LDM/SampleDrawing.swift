import Diffusion
import Foundation
import TensorCore

/// Draws images from a trained diffusion model: x_T per image from its own seed, the reverse
/// process with a sampler and classifier-free guidance, then decoding to pixels.
public struct SampleDrawing {
    public let denoiser: ConditionalDenoiser
    public let space: SampleSpace
    /// The shape of one model sample, [C, h, w].
    public let sampleShape: [Int]
    public let schedule: NoiseSchedule
    public let parameterization: Parameterization

    public init(denoiser: ConditionalDenoiser, space: SampleSpace, sampleShape: [Int], schedule: NoiseSchedule,
                parameterization: Parameterization) {
        self.denoiser = denoiser
        self.space = space
        self.sampleShape = sampleShape
        self.schedule = schedule
        self.parameterization = parameterization
    }

    /// Images [seeds.count, C, H, W] in [−1, 1], in eval mode and without gradients.
    ///
    /// Image i starts from x_T drawn with `SeededGenerator(seed: seeds[i])`, so with a deterministic
    /// sampler (DDIM η 0) it depends only on its seed, condition and settings. Each batch is sampled in
    /// `defaultShardCount` pieces side by side on the cores; the noise of stochastic steps comes from a generator
    /// seeded with each piece's first seed.
    /// - Parameters:
    ///   - conditions: the class or caption of each image (nil for an unconditional model).
    ///   - batchSize: images per sampling run (each UNet call sees twice as many with guidance ≠ 1).
    public func images(seeds: [UInt64], conditions: Conditions?, sampler: any Sampler, guidance: Double, batchSize: Int,
                       progress: (Int) -> Void = { _ in }) throws -> Tensor {
        precondition(conditions == nil || conditions!.count == seeds.count,
                     "SampleDrawing: \(conditions!.count) conditions for \(seeds.count) seeds")
        let wasTraining = denoiser.isTraining
        denoiser.eval()
        defer { if wasTraining { denoiser.train() } }
        var batches: [Tensor] = []
        for start in stride(from: 0, to: seeds.count, by: max(1, batchSize)) {
            let batch = start..<min(start + max(1, batchSize), seeds.count)
            let pieces = shardRanges(count: batch.count, shards: defaultShardCount).map {
                (batch.lowerBound + $0.lowerBound)..<(batch.lowerBound + $0.upperBound)
            }
            let results = mapShards(pieces.count) { piece in
                Result { try images(pieces[piece], seeds: seeds, conditions: conditions, sampler: sampler, guidance: guidance) }
            }
            batches += try results.map { try $0.get() }
            progress(batch.upperBound)
        }
        return Tensor.concatenate(batches, axis: 0)
    }

    /// The images of the seeds (and conditions) in `range`, sampled as one batch.
    private func images(_ range: Range<Int>, seeds: [UInt64], conditions: Conditions?, sampler: any Sampler,
                        guidance: Double) throws -> Tensor {
        let starts = range.map { index -> Tensor in
            var generator = SeededGenerator(seed: seeds[index])
            return Tensor.randomNormal([1] + sampleShape, using: &generator)
        }
        var stepNoise = SeededGenerator(seed: seeds[range.lowerBound])
        let samples = try sampler.sample(
            from: Tensor.concatenate(starts, axis: 0),
            denoiser: denoiser.denoiser(conditions: conditions?.slice(range), guidance: guidance),
            using: &stepNoise)
        return space.images(from: samples)
    }
}
