/// The font's mapping from Unicode code points to glyph ids, from the 'cmap' table.
///
/// Of the subtables the 'cmap' header lists (OpenType spec, "cmap — Character to Glyph Index
/// Mapping Table"), the first in `preferredEncodings` order whose format this reader knows is
/// used: format 12 (segmented coverage, the whole Unicode range) or format 4 (segment mapping to
/// delta values, the Basic Multilingual Plane). Other subtables, e.g. format 14's variation
/// sequences, are not read. Lookups binary-search runs of consecutive code points mapped to
/// consecutive glyphs.
public struct CharacterMap: Sendable {
    /// (platform, encoding) pairs, best first: Windows full repertoire, Unicode full repertoire
    /// (2.0+, then the "Unicode full" of format 13 fonts), Windows BMP, then Unicode BMP.
    public static let preferredEncodings: [(platform: Int, encoding: Int)] = [(3, 10), (0, 6), (0, 4), (3, 1), (0, 3)]
    static let knownFormats: Set<Int> = [4, 12]

    /// The chosen subtable's platform, encoding and format.
    public let platform: Int
    public let encoding: Int
    public let format: Int
    /// Sorted, disjoint runs: code points `first...last` map to `firstGlyph`, `firstGlyph + 1`, ….
    private let runs: [MappedRun]

    /// How many code points map to a glyph other than 0 (.notdef).
    public var mappedCount: Int { runs.reduce(0) { $0 + Int($1.last - $1.first) + 1 } }

    /// Reads the 'cmap' table of `font`; glyph ids are checked to be below `glyphCount`.
    public init(_ font: SfntFile, glyphCount: Int) throws {
        let cmap = try font.table("cmap")
        let version = try cmap.uint16(at: 0)
        guard version == 0 else { throw cmap.error(.unsupportedFormat(structure: "cmap version", format: Int(version))) }
        var subtables: [(platform: Int, encoding: Int, offset: Int, format: Int)] = []
        for index in 0..<Int(try cmap.uint16(at: 2)) {
            let record = 4 + 8 * index
            let offset = try cmap.offset32(at: record + 4, from: 0, to: "cmap subtable", size: 2)
            subtables.append((Int(try cmap.uint16(at: record)), Int(try cmap.uint16(at: record + 2)),
                              offset, Int(try cmap.uint16(at: offset))))
        }
        let chosen = Self.preferredEncodings.lazy.compactMap { wanted in
            subtables.first { $0.platform == wanted.platform && $0.encoding == wanted.encoding
                && Self.knownFormats.contains($0.format) }
        }.first
        guard let chosen else {
            let found = subtables.map { "(\($0.platform), \($0.encoding)) format \($0.format)" }.joined(separator: ", ")
            throw cmap.invalid("no Unicode subtable of format 4 or 12 (found: \(found.isEmpty ? "none" : found))")
        }
        var runs = chosen.format == 12 ? try Self.format12Runs(cmap, at: chosen.offset)
            : try Self.format4Runs(cmap, at: chosen.offset)
        runs.sort { $0.first < $1.first }
        for (previous, run) in zip(runs, runs.dropFirst()) where run.first <= previous.last {
            throw cmap.invalid("code point U+\(hex(run.first)) is mapped twice")
        }
        if let bad = runs.first(where: { $0.firstGlyph + Int($0.last - $0.first) >= glyphCount }) {
            throw cmap.invalid("U+\(hex(bad.first))…U+\(hex(bad.last)) map to glyphs past the font's \(glyphCount)")
        }
        (platform, encoding, format, self.runs) = (chosen.platform, chosen.encoding, chosen.format, runs)
    }

    /// The glyph of `codePoint`, or nil when the font maps it to none.
    public func glyph(for codePoint: UInt32) -> Int? {
        var low = 0, high = runs.count
        while low < high {
            let middle = (low + high) / 2
            if runs[middle].last < codePoint { low = middle + 1 } else { high = middle }
        }
        guard low < runs.count, runs[low].first <= codePoint else { return nil }
        return runs[low].firstGlyph + Int(codePoint - runs[low].first)
    }

    /// Format 12: a count of groups (startCharCode, endCharCode, startGlyphID), each a run.
    private static func format12Runs(_ cmap: FontBytes, at offset: Int) throws -> [MappedRun] {
        let count = Int(try cmap.uint32(at: offset + 12))
        try cmap.checkArray(at: offset + 16, count: count, size: 12)
        return try (0..<count).map { index in
            let group = offset + 16 + 12 * index
            let first = try cmap.uint32(at: group), last = try cmap.uint32(at: group + 4)
            guard first <= last, last <= 0x10FFFF else {
                throw cmap.invalid("format 12 group \(index) has the code point range \(first)…\(last)")
            }
            return MappedRun(first: first, last: last, firstGlyph: Int(try cmap.uint32(at: group + 8)))
        }
    }

    /// Format 4: segments [startCode, endCode] whose glyph is c + idDelta (mod 65536), or, when
    /// idRangeOffset is not 0, read from glyphIdArray at an address relative to the idRangeOffset
    /// field itself (then idDelta is added to a non-zero id). Glyph 0 means unmapped.
    private static func format4Runs(_ cmap: FontBytes, at offset: Int) throws -> [MappedRun] {
        let segments = Int(try cmap.uint16(at: offset + 6)) / 2
        let ends = offset + 14, starts = ends + 2 * segments + 2
        let deltas = starts + 2 * segments, rangeOffsets = deltas + 2 * segments
        var runs: [MappedRun] = []
        for segment in 0..<segments {
            let end = try cmap.uint16(at: ends + 2 * segment), start = try cmap.uint16(at: starts + 2 * segment)
            let delta = try cmap.uint16(at: deltas + 2 * segment)
            let rangeOffsetField = rangeOffsets + 2 * segment
            let rangeOffset = Int(try cmap.uint16(at: rangeOffsetField))
            guard start <= end else {
                throw cmap.invalid("format 4 segment \(segment) starts at U+\(hex(start)), after its end U+\(hex(end))")
            }
            for codePoint in start...end where codePoint != 0xFFFF {
                var glyph: UInt16
                if rangeOffset == 0 {
                    glyph = codePoint &+ delta
                } else {
                    glyph = try cmap.uint16(at: rangeOffsetField + rangeOffset + 2 * Int(codePoint - start))
                    if glyph != 0 { glyph &+= delta }
                }
                if glyph != 0 { runs.appendMapping(UInt32(codePoint), to: Int(glyph)) }
            }
        }
        return runs
    }
}

/// Code points `first...last` mapped to consecutive glyphs from `firstGlyph`.
struct MappedRun: Sendable {
    var first: UInt32
    var last: UInt32
    var firstGlyph: Int
}

extension [MappedRun] {
    /// Adds one mapping, extending the last run when it continues it.
    mutating func appendMapping(_ codePoint: UInt32, to glyph: Int) {
        if let run = last, run.last + 1 == codePoint, run.firstGlyph + Int(codePoint - run.first) == glyph {
            self[count - 1].last = codePoint
        } else {
            append(MappedRun(first: codePoint, last: codePoint, firstGlyph: glyph))
        }
    }
}

/// Upper-case hexadecimal, at least 4 digits (as code points are written: U+00A9, U+1F600).
func hex<Value: BinaryInteger>(_ value: Value) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
