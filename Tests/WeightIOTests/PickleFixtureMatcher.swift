import Foundation
import WeightIO

/// Compares a `PickleValue` with the tagged JSON that Scripts/fixtures/pytorch_checkpoints.py writes
/// from what `torch.load` returns, collecting each difference with its place in the tree.
///
/// Tags: `null`, `true`/`false`, `{"int": "decimal"}`, `{"bigint_le": hex}`, `{"float": x}`,
/// `{"str": s}`, `{"bytes": hex}`, `{"list"|"tuple"|"set": […]}`, `{"dict": [[key, value], …]}`,
/// `{"global": "module.name"}`, `{"object": {type, args, state, list_items, dict_items}}` and
/// `{"tensor": {dtype, shape, stride, storage_offset, storage, values}}`, where `storage` numbers the
/// storages so that tensors sharing one in PyTorch share one here.
struct PickleFixtureMatcher {
    private(set) var differences: [String] = []
    private var keyByStorageNumber: [Int: String] = [:]
    private var storageNumberByKey: [String: Int] = [:]

    mutating func match(_ value: PickleValue, _ expected: Any, at path: String = "root") {
        if expected is NSNull {
            guard case .none = value else { return differ(path, "None", value) }
            return
        }
        if let bool = expected as? Bool {
            guard case .bool(bool) = value else { return differ(path, "\(bool)", value) }
            return
        }
        guard let tagged = expected as? [String: Any], tagged.count == 1, let (tag, content) = tagged.first else {
            return differences.append("\(path): the fixture entry \(expected) is not a tagged value")
        }
        matchTagged(value, tag, content, at: path)
    }

    private mutating func matchTagged(_ value: PickleValue, _ tag: String, _ content: Any, at path: String) {
        switch (tag, value) {
        case ("int", .int(let int)) where String(int) == content as? String: return
        case ("bigint_le", .bigInt(let bytes)) where hex(bytes) == content as? String: return
        case ("float", .float(let double)) where double == (content as? NSNumber)?.doubleValue: return
        case ("str", .string(let string)) where string == content as? String: return
        case ("bytes", .bytes(let bytes)) where hex(bytes) == content as? String: return
        case ("global", .global(let module, let name)) where "\(module).\(name)" == content as? String: return
        case ("list", .list(let items)), ("tuple", .tuple(let items)), ("set", .set(let items)):
            return matchItems(items, content, at: path)
        case ("dict", .dict(let entries)): return matchEntries(entries, content, at: path)
        case ("object", .object(let object)): return matchObject(object, content, at: path)
        case ("tensor", .tensor(let tensor)): return matchTensor(tensor, content, at: path)
        default: differ(path, "\(tag) \(content)", value)
        }
    }

    private mutating func matchItems(_ items: [PickleValue], _ expected: Any, at path: String) {
        guard let expected = expected as? [Any], expected.count == items.count else {
            return differences.append("\(path): \(items.count) items, expected \(expected)")
        }
        for (index, (item, expectedItem)) in zip(items, expected).enumerated() { match(item, expectedItem, at: "\(path)[\(index)]") }
    }

    private mutating func matchEntries(_ entries: [PickleDictEntry], _ expected: Any, at path: String) {
        guard let expected = expected as? [[Any]], expected.count == entries.count else {
            return differences.append("\(path): \(entries.count) entries, expected \(expected)")
        }
        for (entry, pair) in zip(entries, expected) {
            let place = "\(path)[\(entry.key.stringValue ?? entry.key.kindDescription)]"
            match(entry.key, pair[0], at: place + " (key)")
            match(entry.value, pair[1], at: place)
        }
    }

    private mutating func matchObject(_ object: PickleObject, _ expected: Any, at path: String) {
        guard let expected = expected as? [String: Any], let type = expected["type"] as? String else {
            return differences.append("\(path): the fixture's object entry is malformed")
        }
        if object.type != type { differences.append("\(path): object of type \(object.type), expected \(type)") }
        matchItems(object.arguments, expected["args"] ?? [], at: path + ".args")
        if let state = object.state { match(state, expected["state"] ?? NSNull(), at: path + ".state") } else if !(expected["state"] is NSNull) {
            differences.append("\(path): no state, expected \(expected["state"] ?? "")")
        }
        matchItems(object.listItems, expected["list_items"] ?? [], at: path + ".list_items")
        matchEntries(object.dictItems, expected["dict_items"] ?? [], at: path + ".dict_items")
    }

    private mutating func matchTensor(_ tensor: TorchTensor, _ expected: Any, at path: String) {
        guard let expected = expected as? [String: Any], let dtype = expected["dtype"] as? String,
              let shape = expected["shape"] as? [Int], let strides = expected["stride"] as? [Int],
              let offset = expected["storage_offset"] as? Int, let storage = expected["storage"] as? Int,
              let values = expected["values"] as? [NSNumber] else {
            return differences.append("\(path): the fixture's tensor entry is malformed")
        }
        let found = "\(tensor.dtype) \(tensor.shape) strides \(tensor.strides) offset \(tensor.storageOffset)"
        guard tensor.dtype.rawValue == dtype, tensor.shape == shape, tensor.strides == strides, tensor.storageOffset == offset else {
            return differences.append("\(path): tensor \(found), expected \(dtype) \(shape) strides \(strides) offset \(offset)")
        }
        if let integers = tensor.integerValues() {
            if integers != values.map(\.int64Value) { differences.append("\(path): values \(integers), expected \(values)") }
        } else if tensor.floatValues() != values.map({ Float($0.doubleValue) }) {
            differences.append("\(path): values \(tensor.floatValues()), expected \(values)")
        }
        if tensor.floatTensor().shape != shape { differences.append("\(path): floatTensor() has shape \(tensor.floatTensor().shape)") }
        matchStorage(number: storage, key: tensor.storageKey, at: path)
    }

    /// Tensors share a storage here exactly when they shared one in PyTorch.
    private mutating func matchStorage(number: Int, key: String, at path: String) {
        let knownKey = keyByStorageNumber[number] ?? key, knownNumber = storageNumberByKey[key] ?? number
        if knownKey != key || knownNumber != number {
            differences.append("\(path): storage \(key) is shared differently than in PyTorch (storage \(number))")
        }
        keyByStorageNumber[number] = key
        storageNumberByKey[key] = number
    }

    private mutating func differ(_ path: String, _ expected: String, _ value: PickleValue) {
        differences.append("\(path): \(value.kindDescription), expected \(expected)")
    }
}

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
