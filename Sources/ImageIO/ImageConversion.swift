extension Image {
    /// This image with `count` channels: 1 → `greyscale()`, 3 → `rgb()`, 4 → `rgba()`.
    public func converted(toChannels count: Int) -> Image {
        switch count {
        case 1: greyscale()
        case 3: rgb()
        case 4: rgba()
        default: preconditionFailure("Image.converted(toChannels:): \(count) channels (1, 3 or 4 expected)")
        }
    }

    /// One grey channel: BT.601 luma Y = (299 R + 587 G + 114 B) / 1000, rounded (Pillow's "L"
    /// mode), taken after any alpha is composited on white.
    public func greyscale() -> Image {
        switch channels {
        case 1: return self
        case 3: return mapPixels(toChannels: 1) { source, target in target[0] = luma(source) }
        default: return rgb().greyscale()
        }
    }

    /// Three channels: grey is repeated; alpha is composited on white, c' = (c·a + 255·(255 − a)) / 255.
    public func rgb() -> Image {
        switch channels {
        case 1:
            return mapPixels(toChannels: 3) { source, target in
                target[0] = source[0]; target[1] = source[0]; target[2] = source[0]
            }
        case 3: return self
        default:
            return mapPixels(toChannels: 3) { source, target in
                let alpha = UInt32(source[3])
                let background: UInt32 = 255 * (255 - alpha) + 127
                for c in 0..<3 { target[c] = UInt8((UInt32(source[c]) * alpha + background) / 255) }
            }
        }
    }

    /// Four channels: the colour channels as `rgb()` gives them (alpha kept), alpha 255 where there was none.
    public func rgba() -> Image {
        switch channels {
        case 4: return self
        default:
            let colour = rgb()
            return colour.mapPixels(toChannels: 4) { source, target in
                target[0] = source[0]; target[1] = source[1]; target[2] = source[2]; target[3] = 255
            }
        }
    }

    /// A new image of `count` channels whose pixels `body` writes from this image's, pixel by pixel.
    private func mapPixels(toChannels count: Int,
                           _ body: (UnsafePointer<UInt8>, UnsafeMutablePointer<UInt8>) -> Void) -> Image {
        var result = [UInt8](repeating: 0, count: width * height * count)
        pixels.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for pixel in 0..<width * height {
                    body(source.baseAddress! + pixel * channels, target.baseAddress! + pixel * count)
                }
            }
        }
        return Image(width: width, height: height, channels: count, pixels: result)
    }
}

private func luma(_ rgb: UnsafePointer<UInt8>) -> UInt8 {
    let red = UInt32(rgb[0]), green = UInt32(rgb[1]), blue = UInt32(rgb[2])
    let weighted: UInt32 = 299 * red + 587 * green + 114 * blue
    return UInt8((weighted + 500) / 1000)
}
