/// An 8-bit RGB colour.
public struct RGBColour: Equatable, Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A grey of the given level.
    public init(grey level: UInt8) { self.init(red: level, green: level, blue: level) }

    public static let white = RGBColour(grey: 255)
    public static let black = RGBColour(grey: 0)

    /// Line colours for chart series, in order: distinct hues of similar weight on white.
    public static let seriesPalette: [RGBColour] = [
        RGBColour(red: 33, green: 102, blue: 172),   // blue
        RGBColour(red: 228, green: 108, blue: 10),   // orange
        RGBColour(red: 35, green: 139, blue: 69),    // green
        RGBColour(red: 203, green: 24, blue: 29),    // red
        RGBColour(red: 117, green: 80, blue: 168),   // purple
        RGBColour(red: 0, green: 150, blue: 160),    // teal
        RGBColour(red: 140, green: 81, blue: 10),    // brown
        RGBColour(red: 200, green: 60, blue: 160),   // magenta
    ]

    /// This colour moved `fraction` (0…1) of the way towards `other`.
    public func blended(towards other: RGBColour, fraction: Double) -> RGBColour {
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * fraction).rounded())
        }
        return RGBColour(red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
    }
}
