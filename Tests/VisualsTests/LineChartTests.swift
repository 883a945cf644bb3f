import Foundation
import ImageIO
import Visuals
import XCTest

final class LineChartTests: XCTestCase {
    private let firstColour = RGBColour.seriesPalette[0]

    func testPNGDecodesWithTheRequestedSize() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chart-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        let chart = LineChart(series: [ChartSeries(name: "loss", values: [3, 2, 1.5, 1.2])], title: "Loss",
                              width: 640, height: 360)
        try chart.write(to: url)
        let image = try Image(contentsOf: url)
        XCTAssertEqual([image.width, image.height, image.channels], [640, 360, 3])
        XCTAssertEqual(image, try chart.render())
    }

    func testAConstantSeriesIsAHorizontalLineAtItsRow() throws {
        let chart = LineChart(series: [ChartSeries(name: "c", steps: [0, 100], values: [0.5, 0.5])], yRange: 0...1)
        let image = try chart.render(), plot = try chart.plotArea()
        // 0.5 is halfway between the bottom row (0) and the top row (1).
        let row = Int((Double(plot.bottom) - 0.5 * Double(plot.bottom - plot.top)).rounded())
        let left = plot.left...(plot.left + plot.width / 2)
        XCTAssertTrue(left.allSatisfy { colour(image, $0, row) == firstColour }, "row \(row) is not the series' colour")
        for other in [row - 3, row + 3, plot.top + 2, plot.bottom - 2] {
            XCTAssertFalse(left.contains { colour(image, $0, other) == firstColour }, "row \(other) has the series' colour")
        }
    }

    func testValuesOutsideAFixedRangeNeverDrawOutsideThePlot() throws {
        let values = [0.5, 10, -10, 1e300, 0.2, -1e300, 0.7, 3]
        let chart = LineChart(series: [ChartSeries(name: "spiky", values: values)], yRange: 0...1)
        let image = try chart.render(), plot = try chart.plotArea()
        var inside = 0
        for y in 0..<image.height {
            for x in 0..<image.width where colour(image, x, y) == firstColour {
                // The legend's swatch lies inside the plot too.
                XCTAssertTrue(plot.contains(x: x, y: y), "series colour outside the plot at (\(x), \(y))")
                inside += 1
            }
        }
        XCTAssertGreaterThan(inside, 100)
    }

    func testTheLineBreaksAtNaNAndInfinity() throws {
        var values = [Double](repeating: 0.5, count: 11)
        values[5] = .nan
        values[6] = .infinity
        let chart = LineChart(series: [ChartSeries(name: "gappy", values: values)], yRange: 0...1)
        let image = try chart.render(), plot = try chart.plotArea()
        let row = Int((Double(plot.bottom) - 0.5 * Double(plot.bottom - plot.top)).rounded())
        let column = { (step: Double) in Int((Double(plot.left) + step / 10 * Double(plot.width - 1)).rounded()) }
        XCTAssertEqual(colour(image, column(2), row), firstColour)
        XCTAssertEqual(colour(image, column(8), row), firstColour)
        for x in column(4) + 2...column(7) - 2 { XCTAssertNotEqual(colour(image, x, row), firstColour, "column \(x)") }
    }

    func testLogarithmicAxisPlacesValuesByTheirLogarithmAndSkipsNonPositiveOnes() throws {
        let chart = LineChart(series: [ChartSeries(name: "c", values: [10, 10, 0, -3, 10])], logarithmicY: true,
                              yRange: 1...100)
        let image = try chart.render(), plot = try chart.plotArea()
        let row = Int((Double(plot.bottom) - 0.5 * Double(plot.bottom - plot.top)).rounded())
        XCTAssertEqual(colour(image, plot.left + 5, row), firstColour)
        XCTAssertNotEqual(colour(image, plot.left + plot.width / 2, row), firstColour)
    }

    func testSmoothingDrawsTheMovingAverageBoldAndTheRawValuesFaint() throws {
        let zigzag = (0..<200).map { $0 % 2 == 0 ? 0.0 : 1.0 }
        let chart = LineChart(series: [ChartSeries(name: "noisy", values: zigzag)], smoothing: 0.9, yRange: -0.5...1.5)
        let image = try chart.render(), plot = try chart.plotArea()
        let rows = { (value: Double) in Int((Double(plot.bottom) - (value + 0.5) / 2 * Double(plot.height - 1)).rounded()) }
        let faint = firstColour.blended(towards: .white, fraction: 0.65)
        let rightHalf = plot.left + plot.width / 2...plot.right - 2
        // After its start the average stays within 0.5 ± 0.06; the raw zigzag reaches 0 and 1. (Rows
        // above 1.1 hold the legend.)
        let boldRows = rightHalf.flatMap { x in (rows(1.1)...rows(-0.1)).filter { colour(image, x, $0) == firstColour } }
        XCTAssertFalse(boldRows.isEmpty)
        XCTAssertTrue(boldRows.allSatisfy { (rows(0.56) - 1...rows(0.44) + 1).contains($0) }, "\(Set(boldRows).sorted())")
        XCTAssertTrue(rightHalf.contains { colour(image, $0, rows(0.02)) == faint })
        XCTAssertTrue(rightHalf.contains { colour(image, $0, rows(0.98)) == faint })
    }

    func testMovingAverageSkipsNonFiniteValues() {
        let series = ChartSeries(name: "s", values: [1, 0, .nan, 0, 1]).smoothed(weight: 0.5)
        XCTAssertEqual(series.values[0], 1)
        XCTAssertEqual(series.values[1], 0.5)
        XCTAssertTrue(series.values[2].isNaN)
        XCTAssertEqual(series.values[3], 0.25)
        XCTAssertEqual(series.values[4], 0.625)
    }

    func testEmptySeriesAndSinglePointsDrawWithoutTrouble() throws {
        let empty = ChartSeries(name: "empty")
        XCTAssertEqual(try LineChart(series: [empty]).render().width, 800)
        XCTAssertEqual(try LineChart(series: []).render().height, 480)
        let single = LineChart(series: [empty, ChartSeries(name: "one", steps: [5], values: [2])], logarithmicY: true)
        let image = try single.render(), plot = try single.plotArea()
        let centre = (x: plot.left + plot.width / 2, y: plot.top + plot.height / 2)
        XCTAssertEqual(colour(image, centre.x, centre.y), RGBColour.seriesPalette[1], "the lone point is a dot")
        let allNaN = ChartSeries(name: "nan", values: [.nan, .infinity, -.infinity])
        XCTAssertNoThrow(try LineChart(series: [allNaN], smoothing: 0.5).render())
    }

    func testBadSettingsAreNamed() {
        let series = [ChartSeries(name: "loss", values: [1, 2])]
        assertThrows(.tooSmall(width: 100, height: 480, minimumWidth: 200, minimumHeight: 150),
                     "chart: 100×480 pixels is too small, at least 200×150 needed") {
            try LineChart(series: series, width: 100).render()
        }
        assertThrows(.lengthMismatch(series: "bad", steps: 3, values: 2),
                     "chart: series \"bad\" has 3 steps but 2 values") {
            try LineChart(series: [ChartSeries(name: "bad", steps: [1, 2, 3], values: [1, 2])]).render()
        }
        assertThrows(.invalidRange(lower: 0, upper: 1, reason: "must be positive on a logarithmic axis"),
                     "chart: y range 0.0...1.0 must be positive on a logarithmic axis") {
            try LineChart(series: series, logarithmicY: true, yRange: 0...1).render()
        }
        assertThrows(.invalidRange(lower: 1, upper: 1, reason: "must be finite with lower < upper"), nil) {
            try LineChart(series: series, yRange: 1...1).render()
        }
        assertThrows(.invalidRange(lower: 0, upper: .infinity, reason: "must be finite with lower < upper"), nil) {
            try LineChart(series: series, yRange: 0...Double.infinity).render()
        }
        assertThrows(.invalidSmoothing(1), "chart: smoothing 1.0 must be at least 0 and below 1") {
            try LineChart(series: series, smoothing: 1).render()
        }
        assertThrows(.invalidSmoothing(-0.1), nil) { try LineChart(series: series, smoothing: -0.1).render() }
    }

    private func colour(_ image: Image, _ x: Int, _ y: Int) -> RGBColour {
        let pixel = image[x, y]
        return RGBColour(red: pixel[pixel.startIndex], green: pixel[pixel.startIndex + 1], blue: pixel[pixel.startIndex + 2])
    }

    private func assertThrows(_ expected: ChartError, _ message: String?, _ body: () throws -> Image,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? ChartError, expected, file: file, line: line)
            if let message { XCTAssertEqual("\(error)", message, file: file, line: line) }
        }
    }
}
