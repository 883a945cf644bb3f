import TensorCore

/// The images of a batch [N, C, H, W] in [−1, 1] as 8-bit tiles, ready to be placed in a grid.
struct TileSet {
    let count: Int
    let channels: Int
    let height: Int
    let width: Int
    /// N tiles of height × width × channels bytes (HWC), one after another.
    let bytes: [UInt8]

    /// Converts `batch`; `name` identifies it in errors.
    ///
    /// A value v becomes round((v + 1) · 127.5) clipped to 0…255, so −1 is black and 1 white; NaN
    /// becomes 0.
    init(_ batch: Tensor, name: String) throws {
        let shape = batch.shape
        guard shape.count == 4, shape[0] > 0, shape[1] == 1 || shape[1] == 3, shape[2] > 0, shape[3] > 0 else {
            throw GridError.notAnImageBatch(name: name, shape: shape)
        }
        (count, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let (channels, plane) = (channels, height * width)
        var bytes = [UInt8](repeating: 0, count: batch.count)
        batch.withUnsafeScalars { scalars in
            bytes.withUnsafeMutableBufferPointer { bytes in
                for image in 0..<shape[0] {
                    for channel in 0..<channels {
                        let source = (image * channels + channel) * plane
                        for pixel in 0..<plane {
                            let level = ((scalars[source + pixel] + 1) * 127.5).rounded()
                            bytes[(image * plane + pixel) * channels + channel] = level >= 0 ? UInt8(min(level, 255)) : 0
                        }
                    }
                }
            }
        }
        self.bytes = bytes
    }

    /// Tile `index`'s pixel at row `y`, column `x`: the offset of its first channel in `bytes`.
    func offset(tile index: Int, x: Int, y: Int) -> Int {
        ((index * height + y) * width + x) * channels
    }
}
