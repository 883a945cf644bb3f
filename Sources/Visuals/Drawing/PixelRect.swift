/// A rectangle of whole pixels, both edges included: columns `left...right`, rows `top...bottom`.
public struct PixelRect: Equatable, Sendable {
    public var left: Int
    public var top: Int
    public var right: Int
    public var bottom: Int

    public init(left: Int, top: Int, right: Int, bottom: Int) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }

    public var width: Int { right - left + 1 }
    public var height: Int { bottom - top + 1 }

    public func contains(x: Int, y: Int) -> Bool {
        (left...right).contains(x) && (top...bottom).contains(y)
    }

    /// The overlap of two rectangles (empty, with right < left or bottom < top, when they do not meet).
    func intersection(_ other: PixelRect) -> PixelRect {
        PixelRect(left: max(left, other.left), top: max(top, other.top),
                  right: min(right, other.right), bottom: min(bottom, other.bottom))
    }
}
