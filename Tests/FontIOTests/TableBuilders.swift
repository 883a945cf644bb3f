/// Builders of small 'cmap', 'GSUB', 'CBLC' and 'CBDT' tables for the synthetic-font tests, laid
/// out as the OpenType spec describes them (offsets computed from the pieces' sizes).

/// A cmap format-4 subtable: each segment maps start...end by `delta`, or, with `glyphs`, through
/// the glyphIdArray (then idDelta is added to non-zero entries). A final 0xFFFF segment is added.
func cmapFormat4(_ segments: [(start: Int, end: Int, delta: Int, glyphs: [Int]?)]) -> [UInt8] {
    let all = segments + [(0xFFFF, 0xFFFF, 1, nil)]
    let count = all.count
    let rangeOffsets = 16 + 6 * count  // where the idRangeOffset array starts
    var glyphArray: [Int] = [], rangeOffset: [Int] = []
    for (index, segment) in all.enumerated() {
        guard let glyphs = segment.glyphs else { rangeOffset.append(0); continue }
        rangeOffset.append(rangeOffsets + 2 * count + 2 * glyphArray.count - (rangeOffsets + 2 * index))
        glyphArray += glyphs
    }
    var table = FieldWriter()
    table.u16(4, 16 + 8 * count + 2 * glyphArray.count, 0, 2 * count, 0, 0, 0)
    table.u16(all.map(\.end))
    table.u16(0)
    table.u16(all.map(\.start))
    table.u16(all.map(\.delta))
    table.u16(rangeOffset)
    table.u16(glyphArray)
    return table.bytes
}

/// A cmap format-12 subtable of (first code point, last, first glyph) groups.
func cmapFormat12(_ groups: [(first: Int, last: Int, glyph: Int)]) -> [UInt8] {
    var table = FieldWriter()
    table.u16(12, 0)
    table.u32(16 + 12 * groups.count, 0, groups.count)
    for group in groups { table.u32(group.first, group.last, group.glyph) }
    return table.bytes
}

/// A 'cmap' table of `subtables`, each with its (platform, encoding).
func cmapTable(_ subtables: [(platform: Int, encoding: Int, bytes: [UInt8])]) -> [UInt8] {
    var table = FieldWriter()
    table.u16(0, subtables.count)
    var offset = 4 + 8 * subtables.count
    for subtable in subtables {
        table.u16(subtable.platform, subtable.encoding)
        table.u32(offset)
        offset += subtable.bytes.count
    }
    for subtable in subtables { table.append(subtable.bytes) }
    return table.bytes
}

/// `count` 16-bit offsets to `blobs` laid out after a header of `headerSize` bytes that ends with
/// them, each offset from the header's start.
private func offsets(of blobs: [[UInt8]], after headerSize: Int) -> [Int] {
    var offsets: [Int] = [], position = headerSize
    for blob in blobs {
        offsets.append(position)
        position += blob.count
    }
    return offsets
}

/// A coverage table of format 2 with one (first...last) range.
func coverageFormat2(_ glyphs: ClosedRange<Int>) -> [UInt8] {
    var coverage = FieldWriter()
    coverage.u16(2, 1, glyphs.lowerBound, glyphs.upperBound, 0)
    return coverage.bytes
}

/// A coverage table of format 1 listing `glyphs`.
func coverageFormat1(_ glyphs: [Int]) -> [UInt8] {
    var coverage = FieldWriter()
    coverage.u16(1, glyphs.count)
    coverage.u16(glyphs)
    return coverage.bytes
}

/// A LigatureSubst (format 1) subtable: `coverage`, then one set of (ligature glyph, components
/// after the first) per covered glyph, in coverage order.
func ligatureSubtable(coverage: [UInt8], sets: [[(glyph: Int, components: [Int])]]) -> [UInt8] {
    let setBlobs = sets.map { set -> [UInt8] in
        let ligatures = set.map { ligature -> [UInt8] in
            var bytes = FieldWriter()
            bytes.u16(ligature.glyph, ligature.components.count + 1)
            bytes.u16(ligature.components)
            return bytes.bytes
        }
        var bytes = FieldWriter()
        bytes.u16(set.count)
        bytes.u16(offsets(of: ligatures, after: 2 + 2 * set.count))
        for ligature in ligatures { bytes.append(ligature) }
        return bytes.bytes
    }
    let headerSize = 6 + 2 * sets.count
    var table = FieldWriter()
    table.u16(1, headerSize, sets.count)
    table.u16(offsets(of: setBlobs, after: headerSize + coverage.count))
    table.append(coverage)
    for blob in setBlobs { table.append(blob) }
    return table.bytes
}

/// An extension subtable (type 7, format 1) wrapping a subtable of lookup type `type`.
func extensionSubtable(type: Int, wrapping subtable: [UInt8]) -> [UInt8] {
    var table = FieldWriter()
    table.u16(1, type)
    table.u32(8)
    table.append(subtable)
    return table.bytes
}

/// A lookup table of `type` with `subtables`.
func lookupTable(type: Int, _ subtables: [[UInt8]]) -> [UInt8] {
    var table = FieldWriter()
    table.u16(type, 0, subtables.count)
    table.u16(offsets(of: subtables, after: 6 + 2 * subtables.count))
    for subtable in subtables { table.append(subtable) }
    return table.bytes
}

/// A 'GSUB' table (1.0): one script whose default language system uses every feature, each
/// feature (tag, lookup indices), and the lookups.
func gsubTable(script: String, features: [(tag: String, lookups: [Int])], lookups: [[UInt8]]) -> [UInt8] {
    var scriptList = FieldWriter()
    scriptList.u16(1)
    scriptList.tag(script)
    scriptList.u16(8, 4, 0)  // script table at 8: defaultLangSys at 4 from it, no other LangSys
    scriptList.u16(0, 0xFFFF, features.count)
    scriptList.u16(Array(features.indices))
    let featureTables = features.map { feature -> [UInt8] in
        var bytes = FieldWriter()
        bytes.u16(0, feature.lookups.count)
        bytes.u16(feature.lookups)
        return bytes.bytes
    }
    var featureList = FieldWriter()
    featureList.u16(features.count)
    for (feature, offset) in zip(features, offsets(of: featureTables, after: 2 + 6 * features.count)) {
        featureList.tag(feature.tag)
        featureList.u16(offset)
    }
    for table in featureTables { featureList.append(table) }
    var lookupList = FieldWriter()
    lookupList.u16(lookups.count)
    lookupList.u16(offsets(of: lookups, after: 2 + 2 * lookups.count))
    for lookup in lookups { lookupList.append(lookup) }
    var table = FieldWriter()
    table.u16(1, 0, 10, 10 + scriptList.count, 10 + scriptList.count + featureList.count)
    table.append(scriptList.bytes + featureList.bytes + lookupList.bytes)
    return table.bytes
}
