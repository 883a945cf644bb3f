import NN
import TensorCore

/// The perceptual distance (EfficientNet-Lite0) between two batches of images: LPIPS's formula
/// (Zhang et al., CVPR 2018, eq. 1) on EfficientNet-Lite0's feature maps instead of VGG16's, with
/// uniform weights instead of LPIPS's learned linear heads. Not LPIPS: its numbers are on another
/// scale and only comparable with themselves (../shared/DATA.md).
///
/// d(a, b) = Σ_stages mean_{h,w} Σ_c (â − b̂)², where â = f / (‖f‖₂ + 1e-10) is a stage's feature map
/// unit-normalised over channels at each position. The stages are 1, 2, 3, 5 and 7 (`stages`): the
/// last of each resolution, at strides 2, 4, 8, 16 and 32 (16, 24, 40, 112 and 320 channels), as
/// LPIPS takes one VGG layer per resolution, from edges and textures to object parts. Each stage
/// contributes at most 4.
///
/// The network is frozen (no weight gradients) and in evaluation mode; the distance is
/// differentiable with respect to both images.
public final class PerceptualDistance {
    /// The stages whose outputs are compared.
    public static let stages = [1, 2, 3, 5, 7]
    public let network: EfficientNetLite0

    /// A distance on `network`'s features; the network is frozen and put in evaluation mode.
    public init(network: EfficientNetLite0) {
        network.freeze()
        network.eval()
        self.network = network
    }

    /// Per-sample distances [N] between images a and b [N, 1 or 3, H, W] with values in [−1, 1]
    /// (grey images are repeated to three channels). The two batches pass the network separately,
    /// so a constant b (a reconstruction loss's target) records no graph and costs no backward pass.
    public func callAsFunction(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "PerceptualDistance: images of shapes \(a.shape) and \(b.shape) differ")
        let featuresA = network.features(EfficientNetLite0.normalizedInput(a), stages: Self.stages)
        let featuresB = network.features(EfficientNetLite0.normalizedInput(b), stages: Self.stages)
        var total: Tensor? = nil
        for (u, v) in zip(featuresA, featuresB) {
            let difference = Self.unitNormalizedOverChannels(u) - Self.unitNormalizedOverChannels(v)
            let term = (difference * difference).sum(alongAxes: [1]).mean(alongAxes: [1, 2])
            total = total.map { $0 + term } ?? term
        }
        return total!
    }

    /// f / (‖f‖₂ + 1e-10) with the norm over channels at each position, as LPIPS's `normalize_tensor`.
    static func unitNormalizedOverChannels(_ features: Tensor) -> Tensor {
        features / ((features * features).sum(alongAxes: [1], keepingDims: true).squareRoot() + 1e-10)
    }
}
