import TensorCore

/// A batch of samples, stacked.
public struct Batch {
    /// [batch, channels, height, width], values in [−1, 1].
    public let images: Tensor
    /// The class of each sample; nil when the dataset is unlabelled.
    public let labels: [Int]?
    /// The caption of each sample ("" for a sample without one); nil when no sample in the batch has one.
    public let captions: [String]?
    /// Where each sample came from (file paths or dataset indices), for messages.
    public let sources: [String]
    /// The position this batch was taken from.
    public let position: LoaderState
    /// How many of its samples were unreadable and replaced by the next readable index.
    public let replacedSamples: Int

    public var count: Int { sources.count }
}
