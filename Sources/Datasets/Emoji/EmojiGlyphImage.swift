import Foundation
import ImageIO

extension Image {
    /// An emoji bitmap (a PNG, RGBA, e.g. 136 × 128) as a `size` × `size` RGB image: decoded,
    /// composited on white, centred on a white square as wide as its longer side, then shrunk with
    /// the area filter (`resized`, Pillow's BOX); `name` identifies the bitmap in errors.
    public init(emojiPNG png: Data, size: Int, name: String) throws {
        let decoded = try Image(decoding: png, name: name).rgb()
        let side = max(decoded.width, decoded.height)
        let left = (side - decoded.width) / 2, top = (side - decoded.height) / 2
        let square = decoded.padded(top: top, left: left, bottom: side - decoded.height - top,
                                    right: side - decoded.width - left, value: 255)
        self = square.resized(width: size, height: size)
    }
}
