/// Decodes a complete `ConfigNode` tree (defaults with the user's values laid over them) into a
/// configuration struct. Keys are looked up in snake_case; a value of the wrong type throws a
/// `ConfigError` naming the dotted key, what was expected and where the value was written.
struct ConfigTreeDecoder: Decoder {
    let node: ConfigNode
    var codingPath: [CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var dottedPath: String { dotted(codingPath) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let pairs) = node else {
            throw ConfigError.typeMismatch(key: dottedPath, expected: "a mapping", found: node.kindDescription,
                                           source: node.source)
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(pairs: pairs, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .sequence(let items) = node else {
            throw ConfigError.typeMismatch(key: dottedPath, expected: "a list", found: node.kindDescription,
                                           source: node.source)
        }
        return UnkeyedContainer(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { SingleValue(node: node, codingPath: codingPath) }

    /// Decodes `type` from `node`: scalars are parsed from their text, the rest by `T(from:)`.
    static func decode<T: Decodable>(_ type: T.Type, from node: ConfigNode, codingPath: [CodingKey]) throws -> T {
        func mismatch(_ expected: String) -> ConfigError {
            .typeMismatch(key: dotted(codingPath), expected: expected, found: node.kindDescription, source: node.source)
        }
        func text() throws -> String {
            guard case .scalar(let text, _) = node else { throw mismatch("a single value") }
            return text
        }
        switch type {
        case is String.Type: return try text() as! T
        case is Bool.Type:
            switch try text().lowercased() {
            case "true", "yes", "on": return true as! T
            case "false", "no", "off": return false as! T
            default: throw mismatch("true or false")
            }
        case is Int.Type:
            guard let v = Int(try text()) else { throw mismatch("an integer") }
            return v as! T
        case is UInt64.Type:
            guard let v = UInt64(try text()) else { throw mismatch("a non-negative integer") }
            return v as! T
        case is Double.Type:
            guard let v = Double(try text()) else { throw mismatch("a number") }
            return v as! T
        case is Float.Type:
            guard let v = Float(try text()) else { throw mismatch("a number") }
            return v as! T
        default:
            do {
                return try T(from: ConfigTreeDecoder(node: node, codingPath: codingPath))
            } catch let error as DecodingError {
                // Enums with raw values report a bad case this way.
                if case .dataCorrupted(let context) = error {
                    throw ConfigError.invalidValue(key: dotted(codingPath), message: context.debugDescription,
                                                   source: node.source)
                }
                throw error
            }
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let pairs: [(key: String, value: ConfigNode)]
        var codingPath: [CodingKey]
        var allKeys: [Key] { pairs.compactMap { Key(stringValue: $0.key) } }

        private func node(_ key: Key) -> ConfigNode? { pairs.first { $0.key == snakeCased(key.stringValue) }?.value }

        func contains(_ key: Key) -> Bool { node(key) != nil }

        func decodeNil(forKey key: Key) throws -> Bool { node(key)?.isNull ?? true }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard let value = node(key) else {
                throw ConfigError.invalidValue(key: dotted(codingPath + [key]), message: "missing",
                                               source: pairs.first?.value.source ?? "")
            }
            return try ConfigTreeDecoder.decode(type, from: value, codingPath: codingPath + [key])
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let value = node(key), !value.isNull else { return nil }
            return try ConfigTreeDecoder.decode(type, from: value, codingPath: codingPath + [key])
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey> {
            try ConfigTreeDecoder(node: node(key) ?? .mapping([]), codingPath: codingPath + [key]).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
            try ConfigTreeDecoder(node: node(key) ?? .sequence([]), codingPath: codingPath + [key]).unkeyedContainer()
        }
        func superDecoder() throws -> Decoder { ConfigTreeDecoder(node: .mapping(pairs), codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> Decoder {
            ConfigTreeDecoder(node: node(key) ?? .mapping([]), codingPath: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let items: [ConfigNode]
        var codingPath: [CodingKey]
        var currentIndex = 0
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        private var indexKey: CodingKey { IndexKey(intValue: currentIndex) }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, items[currentIndex].isNull else { return false }
            currentIndex += 1
            return true
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let value = try ConfigTreeDecoder.decode(type, from: items[currentIndex], codingPath: codingPath + [indexKey])
            currentIndex += 1
            return value
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
            -> KeyedDecodingContainer<NestedKey> {
            defer { currentIndex += 1 }
            return try ConfigTreeDecoder(node: items[currentIndex], codingPath: codingPath + [indexKey]).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
            defer { currentIndex += 1 }
            return try ConfigTreeDecoder(node: items[currentIndex], codingPath: codingPath + [indexKey]).unkeyedContainer()
        }
        mutating func superDecoder() throws -> Decoder {
            defer { currentIndex += 1 }
            return ConfigTreeDecoder(node: items[currentIndex], codingPath: codingPath + [indexKey])
        }
    }

    struct SingleValue: SingleValueDecodingContainer {
        let node: ConfigNode
        var codingPath: [CodingKey]
        func decodeNil() -> Bool { node.isNull }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try ConfigTreeDecoder.decode(type, from: node, codingPath: codingPath)
        }
    }
}

/// A list position as a coding key.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { guard let v = Int(stringValue) else { return nil }; intValue = v }
}

/// `model.ch_mult[2]`-style text for a coding path.
func dotted(_ path: [CodingKey]) -> String {
    var text = ""
    for key in path {
        if let index = key.intValue, key is IndexKey { text += "[\(index)]"; continue }
        text += (text.isEmpty ? "" : ".") + snakeCased(key.stringValue)
    }
    return text
}
