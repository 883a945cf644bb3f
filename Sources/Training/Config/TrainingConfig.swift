import TensorCore

/// The optimisation loop's settings, shared by `train-ae` and `train-ldm`.
public struct TrainingConfig: Codable, Equatable {
    public enum Schedule: String, Codable { case constant, cosine, linear }

    /// Optimiser steps to train for (a resumed run continues up to this).
    public var steps = 2000
    /// When > 0, also stop once the run's clock (continued across resumes) passes this many minutes:
    /// two models compared at equal wall-clock time (`train-ldm`; the learning-rate schedule still
    /// spans `steps`).
    public var maxMinutes: Double = 0
    public var batchSize = 32
    public var learningRate: Float = 1e-3
    /// Adam's (β1, β2); the autoencoders use (0.5, 0.9) as CompVis.
    public var betas: [Float] = [0.5, 0.9]
    /// Decoupled weight decay (AdamW) when > 0.
    public var weightDecay: Float = 0
    /// Linear learning-rate warm-up from 0, then `schedule` to the last step.
    public var warmupSteps = 0
    public var schedule = Schedule.constant
    /// The final learning rate of the cosine and linear schedules, as a fraction of `learning_rate`.
    public var finalLearningRateFraction: Float = 0
    /// Clip the gradient's global norm to this when > 0.
    public var gradientClipNorm: Float = 0
    /// The NaN/Inf guard of train-ldm: a step whose loss or gradient is not finite is skipped (and
    /// counted); this many in a row stop the run with an error.
    public var maxBadSteps = 5
    /// Keep an exponential moving average of the weights (used for evaluation and sampling).
    public var ema = false
    public var emaDecay: Float = 0.9999
    /// Seeds the weights, the data order and every random draw of the run.
    public var seed: UInt64 = 0
    /// Threads for our parallel loops (BLAS products among them); 0 uses every core.
    public var threads = 0
    /// Each batch is cut into this many shards whose forward and backward passes run side by side,
    /// one per core, with single-threaded kernels (data parallelism; `ShardedGradients`). The shards'
    /// gradients are summed in a fixed order, so results do not depend on the number of threads.
    /// 1: one pass over the whole batch, each op split between the threads instead.
    public var shards = defaultShardCount
    /// Steps between metrics lines, picture grids and checkpoints.
    public var logEvery = 50
    public var imageEvery = 500
    public var checkpointEvery = 500
    /// Step checkpoints kept besides `last` (older ones are deleted).
    public var keepCheckpoints = 3

    public init() {}
}

/// Held-out evaluation settings.
public struct EvaluationConfig: Codable, Equatable {
    public var batchSize = 100
    /// Evaluate on at most this many held-out images; 0 means all.
    public var maxImages = 0
    /// Measure only this region [top, left, height, width] of each image (Fashion-MNIST: the original
    /// 28×28 inside the 2-pixel padding); empty measures the whole image.
    public var measureRegion: [Int] = []
    /// Pairs of originals and reconstructions in the evaluation grid.
    public var gridImages = 32
    /// Also measure the perceptual distance (EfficientNet-Lite0) of reconstructions.
    public var perceptualDistance = true

    public init() {}
}

extension TrainingConfig {
    /// Throws for loop settings no trainer can run with, naming the key.
    func validate() throws {
        for (key, value) in [("train.batch_size", batchSize), ("train.shards", shards)] where value < 1 {
            throw TrainingConfigError(key: key, message: "is \(value), expected at least 1")
        }
    }
}

/// An optimisation-loop setting that cannot work, naming its key.
public struct TrainingConfigError: Error, CustomStringConvertible {
    public let key: String
    public let message: String
    public var description: String { "config key '\(key)': \(message)" }
}
