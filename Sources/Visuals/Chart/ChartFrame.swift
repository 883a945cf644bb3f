/// The parts of a chart around the data: grid lines, the frame with its ticks and tick labels,
/// the title and axis labels, and the legend.
struct ChartFrame {
    let layout: ChartLayout

    static let gridColour = RGBColour(grey: 228)
    static let frameColour = RGBColour(grey: 70)
    static let textColour = RGBColour(grey: 30)

    private var plot: PixelRect { layout.plot }
    private var scale: Int { layout.textScale }
    /// Half the height of capitals and digits (rows 0–6 of the font), to centre labels on ticks.
    private var halfCapHeight: Int { 7 * scale / 2 }

    /// Light lines across the plot at every tick.
    func drawGrid(on canvas: inout Canvas) {
        for tick in layout.yTicks {
            let row = layout.row(tick.value).rounded()
            canvas.drawLine(from: (Double(plot.left), row), to: (Double(plot.right), row), colour: Self.gridColour)
        }
        for tick in layout.xTicks {
            let column = layout.column(tick.value).rounded()
            canvas.drawLine(from: (column, Double(plot.top)), to: (column, Double(plot.bottom)), colour: Self.gridColour)
        }
    }

    /// The frame one pixel outside the plot, tick marks outside it and the tick labels.
    func drawAxes(on canvas: inout Canvas) {
        let (left, right, top, bottom) = (Double(plot.left - 1), Double(plot.right + 1),
                                          Double(plot.top - 1), Double(plot.bottom + 1))
        for (from, to) in [((left, top), (right, top)), ((left, bottom), (right, bottom)),
                           ((left, top), (left, bottom)), ((right, top), (right, bottom))] {
            canvas.drawLine(from: from, to: to, colour: Self.frameColour)
        }
        let length = Double(ChartLayout.tickLength)
        for tick in layout.yTicks {
            let row = layout.row(tick.value).rounded()
            canvas.drawLine(from: (left - length, row), to: (left - 1, row), colour: Self.frameColour)
            let labelRight = plot.left - 1 - ChartLayout.tickLength - 4
            canvas.drawText(tick.label, x: labelRight - BitmapFont.width(of: tick.label, scale: scale),
                            y: Int(row) - halfCapHeight, scale: scale, colour: Self.textColour)
        }
        for tick in layout.xTicks {
            let column = layout.column(tick.value).rounded()
            canvas.drawLine(from: (column, bottom + 1), to: (column, bottom + length), colour: Self.frameColour)
            canvas.drawText(tick.label, x: Int(column) - BitmapFont.width(of: tick.label, scale: scale) / 2,
                            y: plot.bottom + 2 + ChartLayout.tickLength + 3, scale: scale, colour: Self.textColour)
        }
    }

    /// The title centred at the top (twice the label size), the y label above the y axis and the
    /// x label centred under the tick labels.
    func drawLabels(title: String, xLabel: String, yLabel: String, on canvas: inout Canvas) {
        let glyphHeight = BitmapFont.glyphHeight * scale
        if !title.isEmpty {
            canvas.drawText(title, x: (canvas.width - BitmapFont.width(of: title, scale: 2 * scale)) / 2,
                            y: ChartLayout.margin, scale: 2 * scale, colour: Self.textColour)
        }
        if !yLabel.isEmpty {
            canvas.drawText(yLabel, x: ChartLayout.margin, y: plot.top - 4 * scale - glyphHeight - 2,
                            scale: scale, colour: Self.textColour)
        }
        if !xLabel.isEmpty {
            canvas.drawText(xLabel, x: plot.left + (plot.width - BitmapFont.width(of: xLabel, scale: scale)) / 2,
                            y: canvas.height - ChartLayout.margin - glyphHeight, scale: scale, colour: Self.textColour)
        }
    }

    /// A box with a line in each series' colour and its name, in the plot corner where it hides the
    /// fewest data pixels (top right when equal).
    func drawLegend(names: [String], on canvas: inout Canvas) {
        guard !names.isEmpty else { return }
        let palette = RGBColour.seriesPalette
        let (padding, swatch, rowHeight, inset) = (6 * scale, 18 * scale, 13 * scale, 8)
        let textWidth = names.map { BitmapFont.width(of: $0, scale: scale) }.max()!
        let width = 2 * padding + swatch + 6 * scale + textWidth
        let height = 2 * padding + names.count * rowHeight - 4 * scale
        let corners = [(plot.right - inset - width + 1, plot.top + inset), (plot.left + inset, plot.top + inset),
                       (plot.right - inset - width + 1, plot.bottom - inset - height + 1),
                       (plot.left + inset, plot.bottom - inset - height + 1)]
        let boxes = corners.map { PixelRect(left: $0.0, top: $0.1, right: $0.0 + width - 1, bottom: $0.1 + height - 1) }
        let box = boxes.min { dataPixels(in: $0, of: canvas) < dataPixels(in: $1, of: canvas) }!
        canvas.fill(box, with: Self.frameColour)
        canvas.fill(PixelRect(left: box.left + 1, top: box.top + 1, right: box.right - 1, bottom: box.bottom - 1),
                    with: .white)
        for (index, name) in names.enumerated() {
            let top = box.top + padding + index * rowHeight
            let middle = Double(top + halfCapHeight)
            canvas.drawLine(from: (Double(box.left + padding), middle), to: (Double(box.left + padding + swatch), middle),
                            colour: palette[index % palette.count], thickness: 3)
            canvas.drawText(name, x: box.left + padding + swatch + 6 * scale, y: top, scale: scale,
                            colour: Self.textColour)
        }
    }

    /// How many pixels of `rect` (within the plot) are neither background nor grid.
    private func dataPixels(in rect: PixelRect, of canvas: Canvas) -> Int {
        let visible = rect.intersection(plot)
        guard visible.width > 0 && visible.height > 0 else { return 0 }
        var count = 0
        for y in visible.top...visible.bottom {
            for x in visible.left...visible.right {
                let colour = canvas.colour(x: x, y: y)
                if colour != .white && colour != Self.gridColour { count += 1 }
            }
        }
        return count
    }
}
