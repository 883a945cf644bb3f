/// Zero padding of the two spatial axes of an NCHW tensor, possibly asymmetric (the autoencoder's
/// Downsample pads (left 0, right 1, top 0, bottom 1)).
public struct Padding2D: Equatable, Sendable, CustomStringConvertible {
    public var top: Int, bottom: Int, left: Int, right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        precondition(min(top, bottom, left, right) >= 0, "Padding2D: negative padding")
        self.top = top; self.bottom = bottom; self.left = left; self.right = right
    }

    /// The same padding on all four sides.
    public static func uniform(_ amount: Int) -> Padding2D {
        Padding2D(top: amount, bottom: amount, left: amount, right: amount)
    }

    public static let zero = Padding2D.uniform(0)

    public var description: String { "Padding2D(top: \(top), bottom: \(bottom), left: \(left), right: \(right))" }
}
