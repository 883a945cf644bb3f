/// A value read from a Python pickle by the safe unpickler: the data, never executed code.
///
/// Python's built-in types map to cases of their own; PyTorch tensors become `.tensor`; any other
/// class becomes an opaque `.object` that records how pickle would have built it. A `bytearray` reads
/// as `.bytes`, a `frozenset` as `.set`, a `torch.Size` as `.tuple`, and a `collections.OrderedDict`
/// as `.dict` (attributes set on a dict, such as a state dict's `_metadata` version table, are dropped).
public indirect enum PickleValue: Sendable {
    case none
    case bool(Bool)
    /// An integer that fits 64 bits.
    case int(Int)
    /// A wider integer, as pickle stores it: two's complement, little-endian, least significant byte first.
    case bigInt(littleEndianBytes: [UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list([PickleValue])
    case tuple([PickleValue])
    /// A set or frozenset, its elements in the order they were pickled.
    case set([PickleValue])
    /// A dict or OrderedDict, its entries in the order they were pickled; keys may be any value.
    case dict([PickleDictEntry])
    case tensor(TorchTensor)
    /// A reference to a module attribute, such as `torch.float32`, that was not called.
    case global(module: String, name: String)
    /// An instance of a class this reader does not interpret.
    case object(PickleObject)
}

/// One entry of a pickled dict.
public struct PickleDictEntry: Sendable {
    public let key: PickleValue
    public let value: PickleValue

    public init(key: PickleValue, value: PickleValue) {
        self.key = key
        self.value = value
    }
}

/// An instance of a class the unpickler does not interpret, described by the pieces pickle's reduce
/// protocol builds it from: `type(*arguments)`, then `state` given to `__setstate__`, then the items
/// appended (`listItems`) or assigned (`dictItems`) to it.
public struct PickleObject: Sendable {
    /// The class or function that builds the object, as `module.name`.
    public let type: String
    public let arguments: [PickleValue]
    public let state: PickleValue?
    public let listItems: [PickleValue]
    public let dictItems: [PickleDictEntry]
}

extension PickleValue {
    /// The value of the last entry whose key is the string `key`, if this is a dict (or an object
    /// with dict items, such as an instance of a dict subclass).
    public subscript(key: String) -> PickleValue? {
        let entries: [PickleDictEntry]
        switch self {
        case .dict(let dictEntries): entries = dictEntries
        case .object(let object): entries = object.dictItems
        default: return nil
        }
        return entries.last { $0.key.stringValue == key }?.value
    }

    public var intValue: Int? { if case .int(let value) = self { value } else { nil } }
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    public var tensorValue: TorchTensor? { if case .tensor(let value) = self { value } else { nil } }

    /// The number as a Double, if this is a float or an int.
    public var doubleValue: Double? {
        switch self {
        case .float(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }

    /// The elements of a list, tuple or set.
    public var elements: [PickleValue]? {
        switch self {
        case .list(let items), .tuple(let items), .set(let items): items
        default: nil
        }
    }

    /// The entries of a dict.
    public var entries: [PickleDictEntry]? { if case .dict(let entries) = self { entries } else { nil } }

    /// What kind of value this is, for messages: "a dict", "the string \"abc\"", "an int (7)".
    public var kindDescription: String {
        switch self {
        case .none: "None"
        case .bool(let value): "the bool \(value ? "True" : "False")"
        case .int(let value): "the int \(value)"
        case .bigInt(let bytes): "a \(bytes.count)-byte int"
        case .float(let value): "the float \(value)"
        case .string(let value): "the string \"\(value.prefix(40))\""
        case .bytes(let value): "\(value.count) bytes"
        case .list(let items): "a list of \(items.count)"
        case .tuple(let items): "a tuple of \(items.count)"
        case .set(let items): "a set of \(items.count)"
        case .dict(let entries): "a dict of \(entries.count)"
        case .tensor(let tensor): "a \(tensor.dtype) tensor of shape \(tensor.shape)"
        case .global(let module, let name): "the global \(module).\(name)"
        case .object(let object): "a \(object.type) object"
        }
    }
}
