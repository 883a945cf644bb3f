import ImageIO
import TensorCore

extension Tensor {
    /// The image as a [channels, height, width] tensor with values in [−1, 1]: v / 127.5 − 1, so
    /// 0 → −1 and 255 → 1 (the range the autoencoders of Rombach et al. train on).
    public init(image: Image) {
        let (width, height, channels) = (image.width, image.height, image.channels)
        self.init(shape: [channels, height, width]) { output in
            image.pixels.withUnsafeBufferPointer { pixels in
                for c in 0..<channels {
                    let plane = output.baseAddress! + c * height * width
                    for i in 0..<height * width { plane[i] = Float(pixels[i * channels + c]) / 127.5 - 1 }
                }
            }
        }
    }
}

extension Image {
    /// The [channels, height, width] tensor with values in [−1, 1] as an 8-bit image (the inverse of
    /// `Tensor(image:)`): values are clamped to [−1, 1], then (v + 1) · 127.5 is rounded.
    public init(tensor: Tensor) {
        precondition(tensor.rank == 3 && [1, 3, 4].contains(tensor.shape[0]),
                     "Image(tensor:): shape \(tensor.shape) is not [1, 3 or 4 channels, height, width]")
        let (channels, height, width) = (tensor.shape[0], tensor.shape[1], tensor.shape[2])
        var pixels = [UInt8](repeating: 0, count: tensor.count)
        tensor.withUnsafeScalars { values in
            for c in 0..<channels {
                for i in 0..<height * width {
                    let v = min(max(values[c * height * width + i], -1), 1)
                    pixels[i * channels + c] = UInt8(((v + 1) * 127.5).rounded())
                }
            }
        }
        self.init(width: width, height: height, channels: channels, pixels: pixels)
    }
}
