import ImageIO

/// An RGB drawing surface for charts: filled rectangles, lines of any thickness and bitmap text,
/// each clipped to the canvas and to an optional rectangle.
struct Canvas {
    let width: Int
    let height: Int
    /// Row-major RGB bytes, top row first.
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int, background: RGBColour) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(bounds, with: background)
    }

    var bounds: PixelRect { PixelRect(left: 0, top: 0, right: width - 1, bottom: height - 1) }

    /// The drawing as an RGB image.
    var image: Image { Image(width: width, height: height, channels: 3, pixels: pixels) }

    /// The colour of the pixel in column `x`, row `y`.
    func colour(x: Int, y: Int) -> RGBColour {
        let offset = (y * width + x) * 3
        return RGBColour(red: pixels[offset], green: pixels[offset + 1], blue: pixels[offset + 2])
    }

    /// Paints the pixels of `rect` that lie on the canvas.
    mutating func fill(_ rect: PixelRect, with colour: RGBColour) {
        let visible = rect.intersection(bounds)
        guard visible.width > 0 && visible.height > 0 else { return }
        pixels.withUnsafeMutableBufferPointer { pixels in
            for y in visible.top...visible.bottom {
                for x in visible.left...visible.right {
                    let offset = (y * width + x) * 3
                    pixels[offset] = colour.red
                    pixels[offset + 1] = colour.green
                    pixels[offset + 2] = colour.blue
                }
            }
        }
    }

    /// Draws the segment between two points given in pixel coordinates (fractions allowed, far
    /// outside allowed) with square pens of `thickness` pixels, keeping only pixels inside `clip`.
    ///
    /// The segment is first cut to `clip` (Liang–Barsky), then walked with Bresenham's algorithm.
    mutating func drawLine(from start: (x: Double, y: Double), to end: (x: Double, y: Double),
                           colour: RGBColour, thickness: Int = 1, clip: PixelRect? = nil) {
        let clip = (clip ?? bounds).intersection(bounds)
        guard let (a, b) = clipSegment(start, end, to: clip) else { return }
        var x = Int(a.x.rounded()), y = Int(a.y.rounded())
        let endX = Int(b.x.rounded()), endY = Int(b.y.rounded())
        let dx = abs(endX - x), dy = -abs(endY - y)
        let stepX = x < endX ? 1 : -1, stepY = y < endY ? 1 : -1
        var error = dx + dy
        while true {
            stamp(x: x, y: y, colour: colour, thickness: thickness, clip: clip)
            if x == endX && y == endY { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += stepX }
            if doubled <= dx { error += dx; y += stepY }
        }
    }

    /// Paints a `thickness`-pixel square whose top-left pixel is `(thickness − 1) / 2` up and left of (x, y).
    mutating func stamp(x: Int, y: Int, colour: RGBColour, thickness: Int, clip: PixelRect) {
        let back = (thickness - 1) / 2
        let square = PixelRect(left: x - back, top: y - back, right: x - back + thickness - 1,
                               bottom: y - back + thickness - 1)
        fill(square.intersection(clip), with: colour)
    }

    /// Writes `text` with its top-left corner at (x, y), each font pixel a `scale`×`scale` square.
    mutating func drawText(_ text: String, x: Int, y: Int, scale: Int = 1, colour: RGBColour) {
        for (index, character) in text.enumerated() {
            let left = x + index * BitmapFont.advance * scale
            for (row, bits) in BitmapFont.rows(of: character).enumerated() {
                for column in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    let px = left + column * scale, py = y + row * scale
                    fill(PixelRect(left: px, top: py, right: px + scale - 1, bottom: py + scale - 1), with: colour)
                }
            }
        }
    }
}

/// The part of segment a–b inside `rect` (pixel centres, edges included), or nil when none is
/// (Liang–Barsky). Also handles coordinates far outside the rectangle without walking to them.
func clipSegment(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double),
                 to rect: PixelRect) -> ((x: Double, y: Double), (x: Double, y: Double))? {
    guard rect.width > 0 && rect.height > 0, a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else {
        return nil
    }
    let dx = b.x - a.x, dy = b.y - a.y
    var enter = 0.0, leave = 1.0
    // Each edge: p·t ≤ q keeps the point a + t·(b − a) on the inner side.
    let edges = [(-dx, a.x - Double(rect.left)), (dx, Double(rect.right) - a.x),
                 (-dy, a.y - Double(rect.top)), (dy, Double(rect.bottom) - a.y)]
    for (p, q) in edges {
        if p == 0 {
            if q < 0 { return nil }
        } else {
            let t = q / p
            if p < 0 { enter = max(enter, t) } else { leave = min(leave, t) }
        }
    }
    guard enter <= leave else { return nil }
    return ((a.x + enter * dx, a.y + enter * dy), (a.x + leave * dx, a.y + leave * dy))
}
