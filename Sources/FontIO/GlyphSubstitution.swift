/// The ligature substitutions a shaper would apply from the font's 'GSUB' table, by default, to
/// text in the Common script (emoji): the lookups of the default language system's features
/// named in `shapingFeatures`, of the first script of `scriptPreference` the font has.
///
/// The GSUB header (OpenType spec, "GSUB", version 1.0 or 1.1) points to three lists: scripts
/// (each with a default LangSys: an optional required feature and feature indices), features
/// (tag, lookup indices) and lookups (type, flag, subtable offsets). Of the chosen features'
/// lookups, in lookup-list order (a shaper applies a stage's lookups in that order), those of type
/// 4 (ligature), directly or behind type-7 extensions, are applied; the rest are listed in
/// `skippedLookups`. Lookup flags are not honoured: without a 'GDEF' table (NotoColorEmoji has
/// none) the mark- and ligature-skipping flags skip nothing.
public struct GlyphSubstitution: Sendable {
    /// HarfBuzz looks for these scripts for Common-script text, in this order.
    public static let scriptPreference = ["DFLT", "dflt", "latn"]
    /// Features a shaper turns on by default that may hold ligatures: glyph composition, required,
    /// standard and contextual ligatures.
    public static let shapingFeatures: Set<String> = ["ccmp", "rlig", "liga", "clig"]

    /// A lookup of a chosen feature that is not a ligature substitution.
    public struct SkippedLookup: Equatable, Sendable {
        public let index: Int
        /// The lookup type; for an extension lookup (type 7), the type it extends.
        public let type: Int
    }

    /// The script whose features were used, or nil when the font has no GSUB table or no such script.
    public let script: String?
    /// The chosen features' tags, in feature-list order.
    public let features: [String]
    /// The indices of the ligature lookups applied, in order.
    public let ligatureLookupIndices: [Int]
    public let skippedLookups: [SkippedLookup]
    /// How many ligatures the applied lookups hold.
    public var ligatureCount: Int { lookups.reduce(0) { $0 + $1.ligatureCount } }
    private let lookups: [LigatureLookup]

    /// Reads the 'GSUB' table of `font`; a font without one substitutes nothing.
    public init(_ font: SfntFile) throws {
        guard let gsub = font.optionalTable("GSUB") else {
            (script, features, ligatureLookupIndices, skippedLookups, lookups) = (nil, [], [], [], [])
            return
        }
        let major = try gsub.uint16(at: 0), minor = try gsub.uint16(at: 2)
        guard major == 1, minor <= 1 else {
            throw gsub.error(.unsupportedFormat(structure: "GSUB version", format: Int(major) * 10 + Int(minor)))
        }
        let scriptList = try gsub.offset16(at: 4, from: 0, to: "script list", size: 2)
        let featureList = try gsub.offset16(at: 6, from: 0, to: "feature list", size: 2)
        let lookupList = try gsub.offset16(at: 8, from: 0, to: "lookup list", size: 2)
        let chosen = try Self.defaultFeatureIndices(gsub, scriptList: scriptList)
        let shaping = try Self.shapingLookupIndices(gsub, featureList: featureList, featureIndices: chosen?.features ?? [])
        var applied: [Int] = [], skipped: [SkippedLookup] = [], lookups: [LigatureLookup] = []
        let lookupCount = Int(try gsub.uint16(at: lookupList))
        for index in shaping.lookups {
            guard index < lookupCount else { throw gsub.invalid("a feature names lookup \(index) of \(lookupCount)") }
            let lookup = try gsub.offset16(at: lookupList + 2 + 2 * index, from: lookupList, to: "lookup table", size: 6)
            let isExtension = Int(try gsub.uint16(at: lookup)) == LigatureLookup.extensionType
            let type = isExtension ? try Self.extendedType(gsub, lookup: lookup) : Int(try gsub.uint16(at: lookup))
            if type == LigatureLookup.ligatureType {
                lookups.append(try LigatureLookup(gsub, lookup: lookup, isExtension: isExtension))
                applied.append(index)
            } else {
                skipped.append(SkippedLookup(index: index, type: type))
            }
        }
        (script, features) = (chosen?.script, shaping.features)
        (ligatureLookupIndices, skippedLookups, self.lookups) = (applied, skipped, lookups)
    }

    /// `glyphs` after every applied lookup, in order, each once along the whole sequence.
    public func applyingLigatures(to glyphs: [Int]) -> [Int] {
        lookups.reduce(glyphs) { glyphs, lookup in lookup.apply(to: glyphs) }
    }

    /// The preferred script's tag and its default language system's feature indices (with its
    /// required feature), or nil when the font has none of the preferred scripts or it has no
    /// default language system.
    private static func defaultFeatureIndices(_ gsub: FontBytes,
                                              scriptList: Int) throws -> (script: String, features: Set<Int>)? {
        var scriptRecords: [String: Int] = [:]
        for index in 0..<Int(try gsub.uint16(at: scriptList)) {
            scriptRecords[try gsub.tag(at: scriptList + 2 + 6 * index)] = scriptList + 2 + 6 * index
        }
        guard let tag = scriptPreference.first(where: { scriptRecords[$0] != nil }) else { return nil }
        let script = try gsub.offset16(at: scriptRecords[tag]! + 4, from: scriptList, to: "script table", size: 4)
        guard try gsub.uint16(at: script) != 0 else { return nil }
        let langSys = try gsub.offset16(at: script, from: script, to: "default language system", size: 6)
        let count = Int(try gsub.uint16(at: langSys + 4))
        var features = Set(try gsub.uint16Array(at: langSys + 6, count: count).map(Int.init))
        let required = Int(try gsub.uint16(at: langSys + 2))
        if required != 0xFFFF { features.insert(required) }
        return (tag, features)
    }

    /// The tags of the features among `featureIndices` that are in `shapingFeatures`, in
    /// feature-list order, and the indices of their lookups, in lookup-list order.
    private static func shapingLookupIndices(_ gsub: FontBytes, featureList: Int,
                                             featureIndices: Set<Int>) throws -> (features: [String], lookups: [Int]) {
        var features: [String] = [], lookups: Set<Int> = []
        let featureCount = Int(try gsub.uint16(at: featureList))
        for index in featureIndices.sorted() {
            guard index < featureCount else { throw gsub.invalid("the script names feature \(index) of \(featureCount)") }
            let record = featureList + 2 + 6 * index
            let tag = try gsub.tag(at: record)
            guard shapingFeatures.contains(tag) else { continue }
            let feature = try gsub.offset16(at: record + 4, from: featureList, to: "feature table", size: 4)
            features.append(tag)
            let count = Int(try gsub.uint16(at: feature + 2))
            lookups.formUnion(try gsub.uint16Array(at: feature + 4, count: count).map(Int.init))
        }
        return (features, lookups.sorted())
    }

    /// The lookup type held by the first subtable of the extension lookup at `lookup` (7 when it has none).
    private static func extendedType(_ gsub: FontBytes, lookup: Int) throws -> Int {
        guard try gsub.uint16(at: lookup + 4) > 0 else { return LigatureLookup.extensionType }
        let subtable = try gsub.offset16(at: lookup + 6, from: lookup, to: "extension subtable", size: 8)
        return Int(try gsub.uint16(at: subtable + 2))
    }
}
