/// A ligature: `components` following a first glyph are replaced, with it, by `glyph`.
struct Ligature: Sendable {
    /// The glyphs after the first.
    let components: [Int]
    let glyph: Int
}

/// One GSUB lookup of type 4 (ligature substitution), possibly reached through type-7 extension
/// subtables: for each subtable in order, the ligatures starting with each covered glyph.
///
/// A LigatureSubst subtable (format 1; OpenType spec, "GSUB", lookup type 4): coverage offset, a
/// count of ligature-set offsets in coverage-index order; a LigatureSet: a count of Ligature
/// offsets; a Ligature: ligatureGlyph, componentCount, then componentCount − 1 glyph ids. An
/// extension subtable (type 7, format 1): extensionLookupType, then a 32-bit offset to the real
/// subtable, from the extension subtable's start.
struct LigatureLookup: Sendable {
    static let ligatureType = 4
    static let extensionType = 7

    /// Per subtable: the ligatures that start with each glyph, in the font's order.
    let subtables: [[Int: [Ligature]]]

    var ligatureCount: Int { subtables.reduce(0) { count, sets in count + sets.values.reduce(0) { $0 + $1.count } } }

    /// The lookup whose subtable offsets (from `lookup`) are listed in the lookup table at `lookup`.
    init(_ gsub: FontBytes, lookup: Int, isExtension: Bool) throws {
        let count = Int(try gsub.uint16(at: lookup + 4))
        subtables = try (0..<count).map { index in
            var subtable = try gsub.offset16(at: lookup + 6 + 2 * index, from: lookup, to: "lookup subtable", size: 4)
            if isExtension {
                let type = Int(try gsub.uint16(at: subtable + 2))
                guard type == Self.ligatureType else {
                    throw gsub.invalid("extension subtable at \(subtable) holds lookup type \(type), its lookup's "
                                       + "other subtables type \(Self.ligatureType)")
                }
                subtable = try gsub.offset32(at: subtable + 4, from: subtable, to: "extended subtable", size: 6)
            }
            return try Self.ligatureSets(gsub, subtable: subtable)
        }
    }

    /// The ligatures of the LigatureSubst subtable at `subtable`, by first glyph.
    private static func ligatureSets(_ gsub: FontBytes, subtable: Int) throws -> [Int: [Ligature]] {
        let format = Int(try gsub.uint16(at: subtable))
        guard format == 1 else {
            throw gsub.error(.unsupportedFormat(structure: "ligature substitution (at \(subtable))", format: format))
        }
        let coverage = try Coverage(gsub, at: try gsub.offset16(at: subtable + 2, from: subtable, to: "coverage",
                                                                size: 4))
        let setCount = Int(try gsub.uint16(at: subtable + 4))
        var sets: [Int: [Ligature]] = [:]
        for (first, index) in coverage.indices {
            guard index < setCount else {
                throw gsub.invalid("ligature substitution at \(subtable): glyph \(first) has coverage index \(index), "
                                   + "but there are \(setCount) ligature sets")
            }
            let set = try gsub.offset16(at: subtable + 6 + 2 * index, from: subtable, to: "ligature set", size: 2)
            sets[first] = try (0..<Int(try gsub.uint16(at: set))).map { ligatureIndex in
                let field = set + 2 + 2 * ligatureIndex
                let ligature = try gsub.offset16(at: field, from: set, to: "ligature", size: 4)
                let componentCount = Int(try gsub.uint16(at: ligature + 2))
                guard componentCount >= 1 else { throw gsub.invalid("ligature at \(ligature) has no components") }
                let components = try gsub.uint16Array(at: ligature + 4, count: componentCount - 1).map(Int.init)
                return Ligature(components: components, glyph: Int(try gsub.uint16(at: ligature)))
            }
        }
        return sets
    }

    /// Applies the lookup once along `glyphs`, from the first position on: at each position the
    /// first subtable with a ligature that matches there replaces the longest such ligature's
    /// glyphs, and the walk continues after them; elsewhere the glyph stays.
    func apply(to glyphs: [Int]) -> [Int] {
        var result: [Int] = []
        var position = 0
        while position < glyphs.count {
            let rest = glyphs[(position + 1)...]
            let match = subtables.lazy.compactMap { ligaturesByFirst in
                ligaturesByFirst[glyphs[position]]?.filter { rest.starts(with: $0.components) }
                    .max { $0.components.count < $1.components.count }
            }.first
            if let match {
                result.append(match.glyph)
                position += 1 + match.components.count
            } else {
                result.append(glyphs[position])
                position += 1
            }
        }
        return result
    }
}
