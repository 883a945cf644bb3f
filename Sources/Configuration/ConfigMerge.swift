/// Merging configuration trees: later files and `--set` overrides win; every key must exist in
/// the defaults (the typed struct encoded with its default values), or the error names the nearest one.
extension ConfigNode {
    /// `overlay` laid over `self`, where `self` is the tree of defaults. Mappings merge key by key;
    /// lists and scalars are replaced whole. A key of `overlay` missing from `self` is an error, except
    /// inside an empty mapping of the defaults (a free-form dictionary).
    func merging(_ overlay: ConfigNode, path: String = "") throws -> ConfigNode {
        guard case .mapping(let basePairs) = self, case .mapping(let overlayPairs) = overlay else {
            if case .mapping = self, !(overlay.isNull) {
                throw ConfigError.typeMismatch(key: path, expected: "a mapping", found: overlay.kindDescription,
                                               source: overlay.source)
            }
            return overlay
        }
        if basePairs.isEmpty { return overlay }
        var merged = basePairs
        for (key, value) in overlayPairs {
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            guard let index = merged.firstIndex(where: { $0.key == key }) else {
                throw ConfigError.unknownKey(key: childPath, source: value.source,
                                             suggestion: nearestKey(to: key, among: basePairs.map(\.key)).map {
                                                 path.isEmpty ? $0 : "\(path).\($0)" })
            }
            merged[index].value = try merged[index].value.merging(value, path: childPath)
        }
        return .mapping(merged)
    }

    var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The tree for one `--set a.b.c=value` override: the value parsed as YAML (so lists work:
    /// `--set model.ch_mult=[1,2,4]`).
    static func override(_ assignment: String) throws -> ConfigNode {
        guard let equals = assignment.firstIndex(of: "=") else {
            throw ConfigError.invalidOverride(assignment, reason: "expected key.path=value")
        }
        let path = assignment[..<equals].split(separator: ".").map(String.init)
        guard !path.isEmpty, path.allSatisfy({ !$0.isEmpty }) else {
            throw ConfigError.invalidOverride(assignment, reason: "empty key")
        }
        let valueText = String(assignment[assignment.index(after: equals)...])
        var node = try ConfigNode.parse(yaml: valueText.isEmpty ? "''" : valueText, sourceName: "--set \(assignment)", withLineNumbers: false)
        if case .mapping(let pairs) = node, pairs.isEmpty { node = .scalar("", source: "--set \(assignment)") }
        for key in path.reversed() { node = .mapping([(key, node)]) }
        return node
    }
}

/// The candidate closest to `key` by edit distance, if it is close enough to be a likely typo
/// (or, failing that, the only candidate that shares a word with it).
func nearestKey(to key: String, among candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance($0.lowercased(), key.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(2, key.count / 3) ? best.0 : nil
}

/// Levenshtein distance between two strings.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where j <= b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
