/// An 8-bit image with interleaved channels, the form images are decoded into and written from.
///
/// `pixels` holds `height × width × channels` bytes, row-major, top row first, the channels of a
/// pixel side by side (HWC): grey (1), RGB (3) or RGBA (4, straight alpha).
public struct Image: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "Image: size \(width)×\(height) is empty")
        precondition([1, 3, 4].contains(channels), "Image: \(channels) channels (1, 3 or 4 expected)")
        precondition(pixels.count == width * height * channels,
                     "Image: \(pixels.count) bytes for \(width)×\(height)×\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The channel values of the pixel in row `y`, column `x`.
    public subscript(x: Int, y: Int) -> ArraySlice<UInt8> {
        precondition((0..<width).contains(x) && (0..<height).contains(y),
                     "Image: pixel (\(x), \(y)) outside \(width)×\(height)")
        let start = (y * width + x) * channels
        return pixels[start..<start + channels]
    }
}
