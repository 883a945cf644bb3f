/// Turns the unpickler's finished tree of boxes into `PickleValue`s, giving tensors their storages.
///
/// A box reached twice (through the memo) is converted once and shared, so a pickle that nests
/// shared containers cannot make this exponential; a box that contains itself is an error.
struct PickleFreezer {
    /// The storages, by key: every one the pickle declared.
    let storages: [String: TorchStorage]
    private var frozen: [ObjectIdentifier: PickleValue] = [:]
    private var inProgress: Set<ObjectIdentifier> = []
    /// The keys and indices leading to the slot being converted, for errors.
    private var path: [String] = []
    /// The deepest nesting converted (checkpoints nest a few levels); deeper pickles are refused
    /// rather than risk overflowing a thread's stack.
    static let maximumDepth = 256

    init(storages: [String: TorchStorage]) { self.storages = storages }

    /// The value of `slot`.
    /// - Throws: `PyTorchCheckpointError.Problem.cyclicReference` when a container holds itself,
    ///   `.nestedTooDeeply` past `maximumDepth`.
    mutating func freeze(_ slot: PickleSlot) throws -> PickleValue {
        switch slot {
        case .value(let value): return value
        case .sequence(let box):
            return try once(box) {
                let items = try $0.freeze(box.items)
                return switch box.kind {
                case .list: .list(items)
                case .tuple: .tuple(items)
                case .set: .set(items)
                }
            }
        case .dict(let box): return try once(box) { .dict(try $0.freeze(box.entries)) }
        case .object(let box):
            return try once(box) { freezer in
                .object(PickleObject(type: box.type, arguments: try freezer.freeze(box.arguments),
                                     state: try box.state.map { try freezer.freeze($0) },
                                     listItems: try freezer.freeze(box.listItems), dictItems: try freezer.freeze(box.dictItems)))
            }
        case .tensor(let recipe):
            return .tensor(TorchTensor(dtype: recipe.storage.dtype, shape: recipe.shape, strides: recipe.strides,
                                       storageOffset: recipe.storageOffset, storage: storage(recipe.storage)))
        case .storage(let reference):
            // A storage saved on its own reads as a one-dimensional tensor over all of it.
            return .tensor(TorchTensor(dtype: reference.dtype, shape: [reference.elementCount], strides: [1],
                                       storageOffset: 0, storage: storage(reference)))
        }
    }

    private func storage(_ reference: StorageReference) -> TorchStorage {
        guard let storage = storages[reference.key] else {
            preconditionFailure("PickleFreezer: storage \(reference.key) was declared but not loaded")
        }
        return storage
    }

    private mutating func freeze(_ items: [PickleSlot]) throws -> [PickleValue] {
        var values: [PickleValue] = []
        values.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            path.append("[\(index)]")
            values.append(try freeze(item))
            path.removeLast()
        }
        return values
    }

    private mutating func freeze(_ entries: [(key: PickleSlot, value: PickleSlot)]) throws -> [PickleDictEntry] {
        var frozenEntries: [PickleDictEntry] = []
        frozenEntries.reserveCapacity(entries.count)
        for (key, value) in entries {
            let frozenKey = try freeze(key)
            path.append(frozenKey.stringValue.map { "[\"\($0)\"]" } ?? "[\(frozenKey.kindDescription)]")
            frozenEntries.append(PickleDictEntry(key: frozenKey, value: try freeze(value)))
            path.removeLast()
        }
        return frozenEntries
    }

    /// Converts `box` with `convert` the first time it is reached; afterwards returns that value.
    private mutating func once(_ box: AnyObject, _ convert: (inout PickleFreezer) throws -> PickleValue) throws -> PickleValue {
        let id = ObjectIdentifier(box)
        if let value = frozen[id] { return value }
        guard inProgress.insert(id).inserted else {
            throw PyTorchCheckpointError.Problem.cyclicReference(at: "root" + path.joined())
        }
        guard path.count < Self.maximumDepth else {
            throw PyTorchCheckpointError.Problem.nestedTooDeeply(at: "root" + path.prefix(5).joined() + "…", depth: path.count)
        }
        let value = try convert(&self)
        inProgress.remove(id)
        frozen[id] = value
        return value
    }
}
