/// The rectangle of each image that metrics measure, e.g. the original 28×28 of a Fashion-MNIST
/// image padded to 32×32: `CropRegion(top: 2, left: 2, height: 28, width: 28)`.
public struct CropRegion: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The first row and column inside the region, counted from the image's top-left pixel.
    public var top: Int
    public var left: Int
    public var height: Int
    public var width: Int

    public init(top: Int, left: Int, height: Int, width: Int) {
        self.top = top
        self.left = left
        self.height = height
        self.width = width
    }

    /// "28×28 at (2, 2)": the size, then the top-left corner as (row, column).
    public var description: String { "\(height)×\(width) at (\(top), \(left))" }

    /// Whether the region is non-empty and lies inside an image of `height` × `width`.
    func fits(height imageHeight: Int, width imageWidth: Int) -> Bool {
        top >= 0 && left >= 0 && height > 0 && width > 0
            && top + height <= imageHeight && left + width <= imageWidth
    }
}
