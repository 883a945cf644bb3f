extension SfntFile {
    /// The number of glyphs in the font, from the 'maxp' table (numGlyphs, offset 4, in both
    /// version 0.5 and version 1.0); glyph ids run from 0 to this count − 1.
    public func glyphCount() throws -> Int {
        let maxp = try table("maxp")
        let version = try maxp.uint32(at: 0)
        guard version == 0x0000_5000 || version == 0x0001_0000 else {
            throw maxp.error(.unsupportedFormat(structure: "maxp version", format: Int(version)))
        }
        return Int(try maxp.uint16(at: 4))
    }
}
