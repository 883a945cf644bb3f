import ImageIO

extension Image {
    /// This image inside a border of `value` (every channel), `top`, `left`, `bottom` and `right`
    /// pixels wide.
    public func padded(top: Int, left: Int, bottom: Int, right: Int, value: UInt8) -> Image {
        precondition(min(top, left, bottom, right) >= 0,
                     "Image.padded: negative padding (\(top), \(left), \(bottom), \(right))")
        let newWidth = width + left + right, newHeight = height + top + bottom
        var result = [UInt8](repeating: value, count: newWidth * newHeight * channels)
        let rowBytes = width * channels
        for y in 0..<height {
            let target = ((y + top) * newWidth + left) * channels
            result.replaceSubrange(target..<target + rowBytes, with: pixels[y * rowBytes..<(y + 1) * rowBytes])
        }
        return Image(width: newWidth, height: newHeight, channels: channels, pixels: result)
    }
}
