extension EvaluationReport {
    /// The report as fixed-width text for a terminal: the title, the details as "key: value" lines
    /// (sorted by key), then a table of metric, value (6 significant digits, right-aligned) and unit.
    ///
    ///     Reconstruction, Fashion-MNIST t10k
    ///       crop: 28×28 at (2, 2)
    ///       images: 10000
    ///     metric     value  unit
    ///     ------  --------  ----
    ///     PSNR     27.3412  dB
    public func textTable() -> String {
        var lines = [title]
        for key in details.keys.sorted() { lines.append("  \(key): \(details[key]!)") }
        let header = ("metric", "value", "unit")
        let rows = metrics.map { ($0.name, formatSignificant($0.value, digits: 6), $0.unit) }
        let nameWidth = ([header.0] + rows.map(\.0)).map(\.count).max()!
        let valueWidth = ([header.1] + rows.map(\.1)).map(\.count).max()!
        let unitWidth = ([header.2] + rows.map(\.2)).map(\.count).max()!
        func line(_ name: String, _ value: String, _ unit: String) -> String {
            let text = name.padding(nameWidth) + "  " + value.padding(valueWidth, alignRight: true) + "  " + unit
            return String(text.reversed().drop { $0 == " " }.reversed())
        }
        lines.append(line(header.0, header.1, header.2))
        lines.append(line(String(repeating: "-", count: nameWidth), String(repeating: "-", count: valueWidth),
                          String(repeating: "-", count: unitWidth)))
        for row in rows { lines.append(line(row.0, row.1, row.2)) }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// The string padded with spaces to `width` characters, on the right (or on the left when
    /// `alignRight`); never truncated.
    func padding(_ width: Int, alignRight: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - count))
        return alignRight ? fill + self : self + fill
    }
}
