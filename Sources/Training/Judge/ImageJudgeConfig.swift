import Configuration
import Evaluation

/// How the project's image judge is trained and where it is kept (the `judge:` section of a
/// `train-ldm` configuration). The defaults reach 90.6% held-out accuracy on Fashion-MNIST (docs/image-judge.md).
public struct ImageJudgeConfig: Configuration, Equatable {
    /// Where the judge checkpoint is read from, and written to when it is missing.
    public var path = "checkpoints/judge/fashion-mnist.safetensors"
    public var steps = 2000
    public var batchSize = 64
    /// Adam's peak learning rate, reached after a short warm-up and decayed along a cosine.
    public var learningRate: Float = 2e-3
    /// The classifier's first-level channels (its features have 4× as many).
    public var width = 32
    /// Seeds the weights and the data order.
    public var seed: UInt64 = 0

    public init() {}

    /// Throws for a setting no training can use, naming it.
    func validate() throws {
        for (key, value, valid) in [("steps", "\(steps)", steps >= 1), ("batch_size", "\(batchSize)", batchSize >= 1),
                                    ("learning_rate", "\(learningRate)", learningRate > 0), ("width", "\(width)", width >= 1)]
        where !valid {
            throw ImageJudgeTrainingError.invalidSetting(key: key, value: value, expected: "a positive number")
        }
    }

    /// The classifier shape for images of `channels` channels and `classes` classes.
    func architecture(channels: Int, classes: Int) -> ImageClassifierArchitecture {
        ImageClassifierArchitecture(inputChannels: channels, classes: classes, width: width)
    }
}
