import ImageIO
import TensorCore

extension Image {
    /// The `width` × `height` region whose top-left pixel is (`x`, `y`).
    public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) -> Image {
        precondition(cropWidth > 0 && cropHeight > 0 && x >= 0 && y >= 0
                     && x + cropWidth <= width && y + cropHeight <= height,
                     "Image.cropped: region \(cropWidth)×\(cropHeight) at (\(x), \(y)) outside \(width)×\(height)")
        let rowBytes = cropWidth * channels
        var result = [UInt8](repeating: 0, count: cropHeight * rowBytes)
        for row in 0..<cropHeight {
            let start = ((y + row) * width + x) * channels
            result.replaceSubrange(row * rowBytes..<(row + 1) * rowBytes, with: pixels[start..<start + rowBytes])
        }
        return Image(width: cropWidth, height: cropHeight, channels: channels, pixels: result)
    }

    /// The central `width` × `height` region; when a margin is odd, the extra pixel is left on the
    /// right or at the bottom.
    public func centerCropped(width cropWidth: Int, height cropHeight: Int) -> Image {
        precondition(cropWidth <= width && cropHeight <= height,
                     "Image.centerCropped: \(cropWidth)×\(cropHeight) is larger than \(width)×\(height)")
        return cropped(x: (width - cropWidth) / 2, y: (height - cropHeight) / 2, width: cropWidth, height: cropHeight)
    }

    /// A `width` × `height` region at an offset drawn uniformly from every possible one.
    public func randomlyCropped(width cropWidth: Int, height cropHeight: Int,
                                using generator: inout SeededGenerator) -> Image {
        precondition(cropWidth <= width && cropHeight <= height,
                     "Image.randomlyCropped: \(cropWidth)×\(cropHeight) is larger than \(width)×\(height)")
        let x = Int(generator.next() % UInt64(width - cropWidth + 1))
        let y = Int(generator.next() % UInt64(height - cropHeight + 1))
        return cropped(x: x, y: y, width: cropWidth, height: cropHeight)
    }
}
