/// Why image-quality metrics could not be computed for a pair of batches.
public enum MetricsError: Error, Equatable, CustomStringConvertible {
    /// A batch is not [N, C, H, W] with C, H and W positive; `name` is "originals" or "reconstructions".
    case notAnImageBatch(name: String, shape: [Int])
    /// The two batches differ in shape.
    case shapeMismatch(originals: [Int], reconstructions: [Int])
    /// The crop region is empty or reaches outside the images.
    case cropOutsideImage(CropRegion, imageHeight: Int, imageWidth: Int)
    /// The measured region is smaller than SSIM's window in height or width.
    case tooSmallForSSIM(height: Int, width: Int, window: Int)
    /// A batch holds NaN or ±∞; `image` is the index of the first image that does.
    case nonFinite(name: String, image: Int)

    public var description: String {
        switch self {
        case .notAnImageBatch(let name, let shape):
            "\(name): shape \(shape) is not an image batch [N, C, H, W] with C, H and W positive"
        case .shapeMismatch(let originals, let reconstructions):
            "originals have shape \(originals) but reconstructions have shape \(reconstructions)"
        case .cropOutsideImage(let crop, let height, let width):
            "crop \(crop) does not fit inside \(height)×\(width) images"
        case .tooSmallForSSIM(let height, let width, let window):
            "SSIM needs at least \(window)×\(window) pixels (its Gaussian window), the region measured is \(height)×\(width)"
        case .nonFinite(let name, let image):
            "\(name): image \(image) contains NaN or infinity"
        }
    }
}
