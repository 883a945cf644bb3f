/// Encodes a configuration struct into a `ConfigNode` tree (its defaults, to validate and complete
/// the user's files). Unlike the standard encoders it writes `nil` optionals as explicit nulls, so
/// optional keys still exist in the tree of defaults. Keys are written in snake_case.
struct ConfigTreeEncoder: Encoder {
    let box: NodeBox
    var codingPath: [CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func encode<T: Encodable>(_ value: T) throws -> ConfigNode {
        let box = NodeBox()
        try value.encode(to: ConfigTreeEncoder(box: box))
        return box.node
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .mapping = box.content {} else { box.content = .mapping([]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        if case .sequence = box.content {} else { box.content = .sequence([]) }
        return UnkeyedContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { SingleValue(box: box, codingPath: codingPath) }

    /// A node under construction (containers append to it by reference).
    final class NodeBox {
        enum Content { case unset, null, scalar(String), mapping([(String, NodeBox)]), sequence([NodeBox]) }
        var content = Content.unset

        var node: ConfigNode {
            switch content {
            case .unset, .null: return .null(source: "defaults")
            case .scalar(let text): return .scalar(text, source: "defaults")
            case .mapping(let pairs): return .mapping(pairs.map { ($0.0, $0.1.node) })
            case .sequence(let items): return .sequence(items.map(\.node))
            }
        }

        static func scalar(_ text: String) -> NodeBox { let b = NodeBox(); b.content = .scalar(text); return b }
    }

    static func box<T: Encodable>(for value: T, codingPath: [CodingKey]) throws -> NodeBox {
        switch value {
        case let v as String: return .scalar(v)
        case let v as Bool: return .scalar(v ? "true" : "false")
        case let v as Float: return .scalar("\(v)")
        case let v as Double: return .scalar("\(v)")
        case let v as any BinaryInteger: return .scalar("\(v)")
        default:
            let child = NodeBox()
            try value.encode(to: ConfigTreeEncoder(box: child, codingPath: codingPath))
            return child
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: NodeBox
        var codingPath: [CodingKey]

        private func append(_ child: NodeBox, _ key: Key) {
            guard case .mapping(var pairs) = box.content else { return }
            pairs.append((snakeCased(key.stringValue), child))
            box.content = .mapping(pairs)
        }
        mutating func encodeNil(forKey key: Key) throws {
            let b = NodeBox(); b.content = .null; append(b, key)
        }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            append(try ConfigTreeEncoder.box(for: value, codingPath: codingPath + [key]), key)
        }
        // Synthesised Encodable calls these for optionals; recording nil keeps the key in the tree.
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
        }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
        }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
        }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
        }
        mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
        }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey> {
            let child = NodeBox(); append(child, key)
            return ConfigTreeEncoder(box: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
            let child = NodeBox(); append(child, key)
            return ConfigTreeEncoder(box: child, codingPath: codingPath + [key]).unkeyedContainer()
        }
        mutating func superEncoder() -> Encoder { ConfigTreeEncoder(box: box, codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> Encoder {
            let child = NodeBox(); append(child, key)
            return ConfigTreeEncoder(box: child, codingPath: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let box: NodeBox
        var codingPath: [CodingKey]
        var count: Int { if case .sequence(let items) = box.content { items.count } else { 0 } }

        private func append(_ child: NodeBox) {
            guard case .sequence(var items) = box.content else { return }
            items.append(child)
            box.content = .sequence(items)
        }
        mutating func encodeNil() throws { let b = NodeBox(); b.content = .null; append(b) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            append(try ConfigTreeEncoder.box(for: value, codingPath: codingPath))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = NodeBox(); append(child)
            return ConfigTreeEncoder(box: child, codingPath: codingPath).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
            let child = NodeBox(); append(child)
            return ConfigTreeEncoder(box: child, codingPath: codingPath).unkeyedContainer()
        }
        mutating func superEncoder() -> Encoder { ConfigTreeEncoder(box: box, codingPath: codingPath) }
    }

    struct SingleValue: SingleValueEncodingContainer {
        let box: NodeBox
        var codingPath: [CodingKey]
        mutating func encodeNil() throws { box.content = .null }
        mutating func encode<T: Encodable>(_ value: T) throws {
            box.content = try ConfigTreeEncoder.box(for: value, codingPath: codingPath).content
        }
    }
}

/// `learningRate` → `learning_rate`, `useEMA` → `use_ema`, `emaDecay` → `ema_decay`; keys already in
/// snake_case are unchanged. A run of capitals is one word.
func snakeCased(_ key: String) -> String {
    let characters = Array(key)
    var result = ""
    for (index, character) in characters.enumerated() {
        if character.isUppercase && index > 0 {
            let previous = characters[index - 1]
            let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
            if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) {
                result.append("_")
            }
        }
        result.append(contentsOf: character.lowercased())
    }
    return result
}
