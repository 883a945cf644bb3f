import ImageIO
import TensorCore

/// One step of a dataset's image pipeline; a dataset applies its list of them in order, after
/// decoding and channel conversion and before the conversion to a [−1, 1] tensor.
///
/// The random steps draw only from the generator they are given (the data loader derives one per
/// sample), so the same generator state always gives the same image.
public enum ImageTransform: Equatable, Sendable {
    /// Resample to exactly this size (area filter when shrinking, bicubic when growing).
    case resize(width: Int, height: Int)
    /// Resample so that the shorter side has this length, keeping the aspect ratio.
    case resizeShorterSide(Int)
    /// Keep the central region of this size.
    case centerCrop(width: Int, height: Int)
    /// Keep a region of this size at a uniformly random offset.
    case randomCrop(width: Int, height: Int)
    /// Mirror left–right with this probability.
    case horizontalFlip(probability: Float)
    /// Add a border of constant `value` (0 is black, −1 after scaling to [−1, 1]).
    case pad(top: Int, left: Int, bottom: Int, right: Int, value: UInt8)

    /// The same border on all four sides.
    public static func pad(_ width: Int, value: UInt8) -> ImageTransform {
        .pad(top: width, left: width, bottom: width, right: width, value: value)
    }

    /// Applies this step; throws when a crop is larger than the image it is given.
    public func apply(to image: Image, using generator: inout SeededGenerator) throws -> Image {
        switch self {
        case let .resize(width, height):
            return image.resized(width: width, height: height)
        case let .resizeShorterSide(length):
            return image.resized(shorterSide: length)
        case let .centerCrop(width, height):
            try checkFits(image, width, height)
            return image.centerCropped(width: width, height: height)
        case let .randomCrop(width, height):
            try checkFits(image, width, height)
            return image.randomlyCropped(width: width, height: height, using: &generator)
        case let .horizontalFlip(probability):
            return generator.nextUniform() < probability ? image.flippedHorizontally() : image
        case let .pad(top, left, bottom, right, value):
            return image.padded(top: top, left: left, bottom: bottom, right: right, value: value)
        }
    }

    private func checkFits(_ image: Image, _ width: Int, _ height: Int) throws {
        guard width <= image.width && height <= image.height else {
            throw ImageTransformError(message: "the \(image.width)×\(image.height) image is smaller than the "
                                      + "\(width)×\(height) crop; resize it first (e.g. resizeShorterSide(\(max(width, height))))")
        }
    }
}

extension Array where Element == ImageTransform {
    /// Applies every step in order.
    public func apply(to image: Image, using generator: inout SeededGenerator) throws -> Image {
        try reduce(image) { image, step in try step.apply(to: image, using: &generator) }
    }
}

/// Why a transform could not be applied to an image.
public struct ImageTransformError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
