import Configuration
import Evaluation

/// How the project's image judge is trained and where it is kept (the `judge:` section of a
/// `train-ldm` configuration). The defaults reach about 90% held-out accuracy on Fashion-MNIST.
public struct ImageJudgeConfig: Configuration, Equatable {
    /// Where the judge checkpoint is read from, and written to when it is missing.
    public var path = "checkpoints/judge/fashion-mnist.safetensors"
    public var steps = 1500
    public var batchSize = 64
    /// Adam's peak learning rate, reached after a short warm-up and decayed along a cosine.
    public var learningRate: Float = 2e-3
    /// The classifier's first-level channels (its features have 4× as many).
    public var width = 32
    /// Seeds the weights and the data order.
    public var seed: UInt64 = 0

    public init() {}

    /// The classifier shape for images of `channels` channels and `classes` classes.
    func architecture(channels: Int, classes: Int) -> ImageClassifierArchitecture {
        ImageClassifierArchitecture(inputChannels: channels, classes: classes, width: width)
    }
}
