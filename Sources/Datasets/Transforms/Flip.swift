import ImageIO

extension Image {
    /// The mirror image: column x becomes column width − 1 − x.
    public func flippedHorizontally() -> Image {
        var result = pixels
        for y in 0..<height {
            for x in 0..<width {
                let source = (y * width + x) * channels, target = (y * width + width - 1 - x) * channels
                for c in 0..<channels { result[target + c] = pixels[source + c] }
            }
        }
        return Image(width: width, height: height, channels: channels, pixels: result)
    }
}
