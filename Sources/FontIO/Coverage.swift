/// An OpenType coverage table: the glyphs a subtable applies to, each with its coverage index
/// (OpenType spec, "Common Table Formats"). Format 1 lists the glyphs in order; format 2 lists
/// ranges (start, end, index of start).
struct Coverage: Sendable {
    /// Each covered glyph's coverage index.
    let indices: [Int: Int]

    init(_ table: FontBytes, at offset: Int) throws {
        var indices: [Int: Int] = [:]
        switch try table.uint16(at: offset) {
        case 1:
            let glyphs = try table.uint16Array(at: offset + 4, count: Int(try table.uint16(at: offset + 2)))
            for (index, glyph) in glyphs.enumerated() { indices[Int(glyph)] = index }
        case 2:
            for range in 0..<Int(try table.uint16(at: offset + 2)) {
                let record = offset + 4 + 6 * range
                let start = Int(try table.uint16(at: record)), end = Int(try table.uint16(at: record + 2))
                let startIndex = Int(try table.uint16(at: record + 4))
                guard start <= end else {
                    throw table.invalid("coverage at \(offset): range \(range) runs from glyph \(start) down to \(end)")
                }
                for glyph in start...end { indices[glyph] = startIndex + glyph - start }
            }
        case let format:
            throw table.error(.unsupportedFormat(structure: "coverage (at \(offset))", format: Int(format)))
        }
        self.indices = indices
    }
}
