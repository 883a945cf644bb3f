import Foundation
import Models
import TensorCore
import WeightIO

extension PerceptualDistance {
    /// The perceptual distance on ImageNet-trained EfficientNet-Lite0, read from the PyTorch file in the
    /// weights cache (`PretrainedWeights`, fetched by `make setup`).
    public static func pretrained() throws -> PerceptualDistance {
        let file = try PretrainedWeights.efficientNetLite0()
        let stateDict = try PyTorchCheckpoint(contentsOf: file).stateDict()
        do {
            return PerceptualDistance(network: try EfficientNetLite0(pyTorchStateDict: stateDict))
        } catch {
            throw CheckpointError.mismatchedModel(file: file.path, reason: "EfficientNet-Lite0: \(error)")
        }
    }

    /// This distance as the loss and the evaluation take it.
    public var imageDistance: ImageDistance { { self($0, $1) } }
}
