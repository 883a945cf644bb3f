import Yams

/// A configuration value as read from YAML, before it is decoded into typed structs: mappings keep
/// their key order, scalars stay text until a decoder asks for a type, and every scalar remembers
/// where it came from (file and line, or the `--set` override) for error messages.
public indirect enum ConfigNode: Equatable {
    case mapping([(key: String, value: ConfigNode)])
    case sequence([ConfigNode])
    case scalar(String, source: String)
    case null(source: String)

    public static func == (a: ConfigNode, b: ConfigNode) -> Bool {
        switch (a, b) {
        case let (.mapping(x), .mapping(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.sequence(x), .sequence(y)): return x == y
        case let (.scalar(x, _), .scalar(y, _)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// The value at `key` of a mapping, or nil.
    public subscript(key: String) -> ConfigNode? {
        guard case .mapping(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// A short human description of the kind of value, for error messages.
    var kindDescription: String {
        switch self {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let text, _): "'\(text)'"
        case .null: "null"
        }
    }

    /// Where this value was written, for error messages ("" for mappings built from defaults).
    var source: String {
        switch self {
        case .scalar(_, let source), .null(let source): source
        case .mapping(let pairs): pairs.first?.value.source ?? ""
        case .sequence(let items): items.first?.source ?? ""
        }
    }
}

extension ConfigNode {
    /// Parses YAML text; `sourceName` (a file path) is recorded with each value, with the value's
    /// line number when `withLineNumbers` is true.
    public static func parse(yaml text: String, sourceName: String, withLineNumbers: Bool = true) throws -> ConfigNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError.invalidYAML(file: sourceName, message: "\(error)")
        }
        guard let root else { return .mapping([]) }
        return try ConfigNode(root, sourceName: sourceName, withLineNumbers: withLineNumbers, path: "")
    }

    private init(_ node: Node, sourceName: String, withLineNumbers: Bool, path: String) throws {
        let location = withLineNumbers ? node.mark.map { "\(sourceName):\($0.line)" } ?? sourceName : sourceName
        switch node {
        case .scalar(let scalar):
            self = node.null != nil ? .null(source: location) : .scalar(scalar.string, source: location)
        case .sequence(let sequence):
            self = .sequence(try sequence.enumerated().map {
                try ConfigNode($0.element, sourceName: sourceName, withLineNumbers: withLineNumbers, path: "\(path)[\($0.offset)]")
            })
        case .mapping(let mapping):
            var pairs: [(String, ConfigNode)] = []
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.string else {
                    throw ConfigError.invalidYAML(file: location, message: "a mapping key under '\(path)' is not a string")
                }
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if pairs.contains(where: { $0.0 == key }) {
                    throw ConfigError.invalidYAML(file: location, message: "key '\(childPath)' appears twice")
                }
                pairs.append((key, try ConfigNode(valueNode, sourceName: sourceName, withLineNumbers: withLineNumbers, path: childPath)))
            }
            self = .mapping(pairs)
        case .alias:
            throw ConfigError.invalidYAML(file: location, message: "YAML aliases are not supported (at '\(path)')")
        }
    }

    /// YAML text for this tree (used to save the merged configuration of a run).
    public func yaml() throws -> String {
        try Yams.serialize(node: yamsNode(), sortKeys: false)
    }

    private func yamsNode() -> Node {
        switch self {
        case .mapping(let pairs): return .mapping(.init(pairs.map { (Node($0.key), $0.value.yamsNode()) }))
        case .sequence(let items): return .sequence(.init(items.map { $0.yamsNode() }))
        case .scalar(let text, _):
            // Text that YAML would read back as null must be quoted to stay a (possibly empty) string.
            let readsAsNull = ["", "~", "null", "Null", "NULL"].contains(text)
            return Node(text, readsAsNull ? Tag(.str) : .implicit, readsAsNull ? .doubleQuoted : .any)
        case .null: return Node("null", Tag(.null))
        }
    }
}
