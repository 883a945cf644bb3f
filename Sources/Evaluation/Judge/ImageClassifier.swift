import NN
import TensorCore

/// The shape of an `ImageClassifier`, stored with its checkpoint so a judge file rebuilds itself.
public struct ImageClassifierArchitecture: Codable, Equatable, Sendable {
    /// 1 (grey) or 3 (RGB).
    public var inputChannels = 1
    public var classes = 10
    /// The channels of the first level; level i has `width · channelMultipliers[i]`.
    public var width = 32
    /// One entry per level; each level halves the resolution.
    public var channelMultipliers = [1, 2, 4]
    /// Convolutions per level: the first with stride 2, the rest with stride 1.
    public var blocksPerLevel = 2

    /// The length of the pooled feature vector: the last level's channels.
    public var featureDimension: Int { width * (channelMultipliers.last ?? 1) }

    public init() {}

    public init(inputChannels: Int, classes: Int, width: Int = 32, channelMultipliers: [Int] = [1, 2, 4],
                blocksPerLevel: Int = 2) {
        self.inputChannels = inputChannels
        self.classes = classes
        self.width = width
        self.channelMultipliers = channelMultipliers
        self.blocksPerLevel = blocksPerLevel
    }
}

/// A 3×3 convolution (no bias) → GroupNorm → SiLU: [N, Cin, H, W] → [N, Cout, H/stride, W/stride].
public final class ConvNormActivation: Module {
    let conv: Conv2d
    let norm: GroupNorm

    public init(inChannels: Int, outChannels: Int, stride: Int, generator: inout SeededGenerator) {
        conv = Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 3, stride: stride, padding: 1,
                      bias: false, generator: &generator)
        norm = GroupNorm(groups: greatestCommonDivisor(8, outChannels), channels: outChannels)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { norm.thenSiLU(conv(x)) }
}

/// The project's image judge network: a small CNN of `ConvNormActivation` blocks, stride-2 at the
/// start of each level, global average pooling to a feature vector, and a linear head.
///
/// Images [N, C, H, W] of any size (32² for Fashion-MNIST) → features [N, D] → logits [N, classes],
/// D = width · last multiplier (128 by default). Keys: `levels.<level>.<block>.conv.weight`, `…norm.weight`,
/// `…norm.bias`, `head.weight`, `head.bias`.
public final class ImageClassifier: Module {
    public let architecture: ImageClassifierArchitecture
    let levels: [[ConvNormActivation]]
    let head: Linear

    public init(_ architecture: ImageClassifierArchitecture, generator: inout SeededGenerator) {
        precondition(architecture.inputChannels >= 1 && architecture.classes >= 2 && architecture.width >= 1
                     && !architecture.channelMultipliers.isEmpty && architecture.blocksPerLevel >= 1,
                     "ImageClassifier: invalid architecture \(architecture)")
        self.architecture = architecture
        var channels = architecture.inputChannels
        var levels: [[ConvNormActivation]] = []
        for multiplier in architecture.channelMultipliers {
            let outChannels = architecture.width * multiplier
            var level: [ConvNormActivation] = []
            for block in 0..<architecture.blocksPerLevel {
                level.append(ConvNormActivation(inChannels: channels, outChannels: outChannels,
                                                stride: block == 0 ? 2 : 1, generator: &generator))
                channels = outChannels
            }
            levels.append(level)
        }
        self.levels = levels
        head = Linear(inFeatures: architecture.featureDimension, outFeatures: architecture.classes, generator: &generator)
        super.init()
    }

    /// The pooled penultimate features: images [N, C, H, W] → [N, D].
    public func features(_ images: Tensor) -> Tensor {
        precondition(images.rank == 4 && images.shape[1] == architecture.inputChannels,
                     "ImageClassifier: images of shape \(images.shape), expected [N, \(architecture.inputChannels), H, W]")
        var x = images
        for level in levels { for block in level { x = block(x) } }
        return x.mean(alongAxes: [2, 3])
    }

    /// Class scores before the softmax: images [N, C, H, W] → [N, classes].
    public func callAsFunction(_ images: Tensor) -> Tensor { head(features(images)) }

    /// The class scores of pooled features [N, D] → [N, classes].
    public func logits(fromFeatures features: Tensor) -> Tensor { head(features) }
}

/// The mean cross-entropy of `logits` [N, classes] against class `labels` (N of them), as
/// `torch.nn.functional.cross_entropy`: −mean over rows of log softmax(logits)[row, label].
public func crossEntropy(_ logits: Tensor, labels: [Int]) -> Tensor {
    precondition(logits.rank == 2 && logits.shape[0] == labels.count,
                 "crossEntropy: logits \(logits.shape) for \(labels.count) labels")
    let classes = logits.shape[1]
    let oneHot = Tensor(shape: logits.shape) { buffer in
        buffer.initialize(repeating: 0)
        for (row, label) in labels.enumerated() {
            precondition((0..<classes).contains(label), "crossEntropy: label \(label) outside 0..<\(classes)")
            buffer[row * classes + label] = 1
        }
    }
    return -(logits.logSoftmax(alongAxis: 1) * oneHot).sum() / Float(labels.count)
}

/// The index of the largest entry of each row of `scores` [N, K].
public func rowArgmax(_ scores: Tensor) -> [Int] {
    precondition(scores.rank == 2, "rowArgmax: scores of shape \(scores.shape), expected [N, K]")
    let (rows, columns) = (scores.shape[0], scores.shape[1])
    return scores.withUnsafeScalars { values in
        (0..<rows).map { row in
            var best = 0
            for column in 1..<columns where values[row * columns + column] > values[row * columns + best] { best = column }
            return best
        }
    }
}

private func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int { b == 0 ? a : greatestCommonDivisor(b, a % b) }
