import Foundation
import ImageIO
import TensorCore
import TestSupport
import WeightIO

/// The ImageNet weights of EfficientNet-Lite0 as the reference's state dict (the .pth file's keys), read
/// from the weights cache's PyTorch file with WeightIO's reader; loaded once per test run.
func loadEfficientNetLite0Weights() throws -> [String: Tensor] {
    if let cached = WeightsCache.stateDict { return cached }
    let stateDict = try PyTorchCheckpoint(contentsOf: PretrainedWeights.efficientNetLite0()).stateDict()
    WeightsCache.stateDict = stateDict
    return stateDict
}

private enum WeightsCache {
    nonisolated(unsafe) static var stateDict: [String: Tensor]?
}

/// The opencv-doc photographs the fixture script reads.
let photoDirectory = URL(fileURLWithPath: "/usr/share/doc/opencv-doc/examples/data")

/// A PNG file as a [1, C, H, W] tensor of its first `channels` channels, each value v mapped to
/// v·scale + offset (1/255 and 0 for [0, 1]; 1/127.5 and −1 for [−1, 1]).
func imageTensor(_ url: URL, channels: Int, scale: Float, offset: Float) throws -> Tensor {
    let image = try Image(contentsOf: url)
    precondition(image.channels >= channels, "\(url.path) has \(image.channels) channels, \(channels) wanted")
    let (height, width) = (image.height, image.width)
    return Tensor(shape: [1, channels, height, width]) { output in
        for c in 0..<channels {
            for i in 0..<height * width {
                output[c * height * width + i] = Float(image.pixels[i * image.channels + c]) * scale + offset
            }
        }
    }
}

/// An image [1, C, H, W] cut to rows top..<top+height and columns left..<left+width.
func cropped(_ image: Tensor, top: Int, left: Int, height: Int, width: Int) -> Tensor {
    image.sliced(axis: 2, range: top..<(top + height)).sliced(axis: 3, range: left..<(left + width))
}

/// One of the committed photo pairs, Tests/Fixtures/efficientnet_lite0/pairN-{a,b}.png, in [−1, 1].
func photoPair(_ index: Int, channels: Int = 3) throws -> (a: Tensor, b: Tensor) {
    func load(_ side: String) throws -> Tensor {
        try imageTensor(Fixtures.url("efficientnet_lite0/pair\(index)-\(side).png"), channels: channels,
                        scale: 1 / 127.5, offset: -1)
    }
    return (try load("a"), try load("b"))
}
