import Foundation

/// Where everything of a `LineChart` goes: the axis scales and ticks from the data (or the fixed y
/// range), and the plot rectangle left after room for the title, labels and tick labels.
struct ChartLayout {
    static let minimumWidth = 200
    static let minimumHeight = 150
    static let margin = 10
    static let tickLength = 5

    /// Font pixels per bitmap-font pixel for labels (the title uses twice this).
    let textScale: Int
    let x: AxisScale
    let y: AxisScale
    let xTicks: [AxisTick]
    let yTicks: [AxisTick]
    /// The rectangle data is drawn in; the frame lies one pixel outside it.
    let plot: PixelRect

    /// Lays out `chart`, whose settings have been validated; `drawnValues` are every y value that will
    /// be drawn (raw and smoothed, all finite and, on a log axis, positive).
    init(_ chart: LineChart, drawnValues: [Double]) {
        textScale = chart.width >= 1400 && chart.height >= 800 ? 2 : 1
        let steps = chart.series.flatMap { series in
            zip(series.steps, series.values).filter { $0.0.isFinite && chart.isDrawable($0.1) }.map(\.0)
        }
        x = Self.fittedScale(steps, logarithmic: false, padding: 0)
        if let range = chart.yRange {
            y = AxisScale(lower: range.lowerBound, upper: range.upperBound, logarithmic: chart.logarithmicY)
        } else {
            y = Self.fittedScale(drawnValues, logarithmic: chart.logarithmicY, padding: 0.05)
        }
        let s = textScale, glyphHeight = BitmapFont.glyphHeight * textScale
        let titleBlock = chart.title.isEmpty ? 0 : 2 * glyphHeight + 8
        let yLabelBlock = chart.yLabel.isEmpty ? 0 : glyphHeight + 6
        let top = Self.margin + titleBlock + yLabelBlock + 4 * s
        let bottom = chart.height - 1 - Self.margin - (chart.xLabel.isEmpty ? 0 : glyphHeight + 6)
            - glyphHeight - Self.tickLength - 4
        yTicks = y.ticks(count: max(2, (bottom - top) / (45 * s)))
        let labelWidth = yTicks.map { BitmapFont.width(of: $0.label, scale: s) }.max() ?? 0
        let left = Self.margin + labelWidth + 4 + Self.tickLength + 1
        let right = chart.width - 1 - Self.margin - 14 * s
        xTicks = x.ticks(count: max(2, (right - left) / (80 * s)))
        plot = PixelRect(left: left, top: top, right: right, bottom: bottom)
    }

    /// The pixel column of step `value`.
    func column(_ value: Double) -> Double { Double(plot.left) + x.fraction(of: value) * Double(plot.width - 1) }
    /// The pixel row of value `value` (larger values higher up).
    func row(_ value: Double) -> Double { Double(plot.bottom) - y.fraction(of: value) * Double(plot.height - 1) }

    /// The pixel nearest to `point` (pixel coordinates) if it lies in the plot, else nil.
    func pixel(at point: (x: Double, y: Double)) -> (x: Int, y: Int)? {
        let x = point.x.rounded(), y = point.y.rounded()
        guard x >= Double(plot.left) && x <= Double(plot.right) && y >= Double(plot.top) && y <= Double(plot.bottom)
        else { return nil }
        return (Int(x), Int(y))
    }

    /// A scale spanning `values` with `padding` (a fraction of the span) beyond each end, measured in
    /// log10 on a logarithmic axis; a single value gets a span around it, no values a default range.
    private static func fittedScale(_ values: [Double], logarithmic: Bool, padding: Double) -> AxisScale {
        guard var lower = values.min(), var upper = values.max() else {
            return AxisScale(lower: 1, upper: logarithmic ? 10 : 2, logarithmic: logarithmic)
        }
        if logarithmic { (lower, upper) = (log10(lower), log10(upper)) }
        if upper - lower <= 1e-12 * max(abs(lower), abs(upper)) {
            let half = logarithmic ? 0.3 : (lower == 0 ? 1 : 0.1 * abs(lower))
            (lower, upper) = (lower - half, upper + half)
        }
        let extra = padding * (upper - lower)
        (lower, upper) = (lower - extra, upper + extra)
        return logarithmic ? AxisScale(lower: pow(10, lower), upper: pow(10, upper), logarithmic: true)
            : AxisScale(lower: lower, upper: upper, logarithmic: false)
    }
}
