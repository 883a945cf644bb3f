import Foundation
import ImageIO

/// A line chart of one or more named series (x = step, y = value), drawn to an RGB picture: loss
/// curves and the like.
///
/// The plot has a frame, grid lines at "nice" ticks with numeric labels, optional title and axis
/// labels, and a legend naming each series in its colour. The y axis fits the data (5% margin) or
/// a fixed `yRange`, linear or logarithmic. NaN and ±∞ values (and values ≤ 0 on a log axis) are
/// skipped: the line breaks there. Lines are cut at the plot's edges, so values outside a fixed range
/// never draw outside the plot. With `smoothing` w > 0 each series is drawn faintly as is and
/// boldly as its exponential moving average s ← w·s + (1 − w)·v. Text uses `BitmapFont`, at twice
/// the size on pictures of 1400×800 or more; the legend goes to the plot corner it hides least of.
public struct LineChart: Sendable {
    public var series: [ChartSeries]
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// The picture's size in pixels (at least 200×150).
    public var width: Int
    public var height: Int
    public var logarithmicY: Bool
    /// The weight of the past in the moving average, in [0, 1): 0 draws the raw values only, 0.9
    /// averages over about the last 10 points.
    public var smoothing: Double
    /// A fixed y range; nil fits the range to the data.
    public var yRange: ClosedRange<Double>?

    public init(series: [ChartSeries], title: String = "", xLabel: String = "step", yLabel: String = "",
                width: Int = 800, height: Int = 480, logarithmicY: Bool = false, smoothing: Double = 0,
                yRange: ClosedRange<Double>? = nil) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
        self.logarithmicY = logarithmicY
        self.smoothing = smoothing
        self.yRange = yRange
    }

    /// The chart as an RGB image of `width` × `height`.
    public func render() throws -> Image {
        let (passes, layout) = try prepare()
        var canvas = Canvas(width: width, height: height, background: .white)
        let frame = ChartFrame(layout: layout)
        frame.drawGrid(on: &canvas)
        for (index, seriesPasses) in passes.enumerated() {
            for pass in seriesPasses { draw(pass, in: layout, on: &canvas, colourIndex: index) }
        }
        frame.drawAxes(on: &canvas)
        frame.drawLabels(title: title, xLabel: xLabel, yLabel: yLabel, on: &canvas)
        frame.drawLegend(names: series.map(\.name), on: &canvas)
        return canvas.image
    }

    /// Writes the chart as a PNG file.
    public func write(to url: URL) throws {
        try render().write(to: url)
    }

    /// The rectangle of pixels the data is drawn in (depends on the labels and the data's range).
    public func plotArea() throws -> PixelRect {
        try prepare().layout.plot
    }

    /// The validated chart's passes per series and its layout.
    private func prepare() throws -> (passes: [[Pass]], layout: ChartLayout) {
        try validate()
        let passes = series.map(drawnLines)
        let drawnValues = passes.joined().flatMap(\.values).filter { !$0.isNaN }
        return (passes, ChartLayout(self, drawnValues: drawnValues))
    }

    /// Whether a y value can be drawn: finite, and positive on a logarithmic axis.
    func isDrawable(_ value: Double) -> Bool {
        value.isFinite && (!logarithmicY || value > 0)
    }

    private func validate() throws {
        if width < ChartLayout.minimumWidth || height < ChartLayout.minimumHeight {
            throw ChartError.tooSmall(width: width, height: height, minimumWidth: ChartLayout.minimumWidth,
                                      minimumHeight: ChartLayout.minimumHeight)
        }
        for line in series where line.steps.count != line.values.count {
            throw ChartError.lengthMismatch(series: line.name, steps: line.steps.count, values: line.values.count)
        }
        if let range = yRange {
            let (lower, upper) = (range.lowerBound, range.upperBound)
            if !lower.isFinite || !upper.isFinite || lower >= upper {
                throw ChartError.invalidRange(lower: lower, upper: upper, reason: "must be finite with lower < upper")
            }
            if logarithmicY && lower <= 0 {
                throw ChartError.invalidRange(lower: lower, upper: upper, reason: "must be positive on a logarithmic axis")
            }
        }
        if !(0..<1).contains(smoothing) { throw ChartError.invalidSmoothing(smoothing) }
    }

    /// One pass of a series over the plot: its points (NaN where not drawn), pen thickness, faintness.
    struct Pass {
        let steps: [Double]
        let values: [Double]
        let thickness: Int
        let isFaint: Bool
    }

    /// The raw series (faint when smoothed) and, with smoothing, its moving average.
    private func drawnLines(_ line: ChartSeries) -> [Pass] {
        let raw = line.values.enumerated().map { index, value in
            isDrawable(value) && line.steps[index].isFinite ? value : .nan
        }
        guard smoothing > 0 else { return [Pass(steps: line.steps, values: raw, thickness: 2, isFaint: false)] }
        let average = ChartSeries(name: line.name, steps: line.steps, values: raw)
            .smoothed(weight: smoothing, isDrawable: { !$0.isNaN })
        return [Pass(steps: line.steps, values: raw, thickness: 1, isFaint: true),
                Pass(steps: line.steps, values: average, thickness: 2, isFaint: false)]
    }

    /// Draws segments between consecutive drawn points, and a dot for a point with no drawn neighbour.
    private func draw(_ pass: Pass, in layout: ChartLayout, on canvas: inout Canvas, colourIndex: Int) {
        let palette = RGBColour.seriesPalette
        var colour = palette[colourIndex % palette.count]
        if pass.isFaint { colour = colour.blended(towards: .white, fraction: 0.65) }
        let points = zip(pass.steps, pass.values).map { step, value in
            value.isNaN ? nil : (x: layout.column(step), y: layout.row(value))
        }
        for (index, point) in points.enumerated() {
            guard let point else { continue }
            let previous = index > 0 ? points[index - 1] : nil
            let next = index + 1 < points.count ? points[index + 1] : nil
            if let next {
                canvas.drawLine(from: point, to: next, colour: colour, thickness: pass.thickness, clip: layout.plot)
            } else if previous == nil, let pixel = layout.pixel(at: point) {
                canvas.stamp(x: pixel.x, y: pixel.y, colour: colour, thickness: pass.thickness + 2, clip: layout.plot)
            }
        }
    }
}
