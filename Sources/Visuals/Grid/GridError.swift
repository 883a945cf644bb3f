/// Why an image grid could not be made.
public enum GridError: Error, Equatable, CustomStringConvertible {
    /// The tensor is not [N, C, H, W] with N ≥ 1, C 1 (grey) or 3 (RGB), and H, W ≥ 1.
    case notAnImageBatch(name: String, shape: [Int])
    /// Originals and reconstructions differ in shape.
    case shapeMismatch(originals: [Int], reconstructions: [Int])
    /// A layout setting is out of range; `expected` says what it must be.
    case invalidSetting(name: String, value: Int, expected: String)

    public var description: String {
        switch self {
        case .notAnImageBatch(let name, let shape):
            "\(name): shape \(shape) is not a non-empty image batch [N, C, H, W] with 1 or 3 channels"
        case .shapeMismatch(let originals, let reconstructions):
            "originals have shape \(originals) but reconstructions have shape \(reconstructions)"
        case .invalidSetting(let name, let value, let expected):
            "image grid: \(name) is \(value), expected \(expected)"
        }
    }
}
