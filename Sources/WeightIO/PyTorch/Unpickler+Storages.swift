/// PyTorch's persistent ids: each names a storage whose bytes lie outside the pickle.
extension Unpickler {
    /// Reads a persistent id `("storage", torch.<Type>Storage, key, location, element count[, view])`
    /// (torch/serialization.py; the legacy format adds the view, always None since PyTorch 1.0).
    mutating func persistentLoad(_ id: PickleSlot, for opcode: PickleOpcode) throws -> PickleSlot {
        func unexpected(_ expected: String, _ found: PickleSlot) -> PickleError.Reason {
            .unexpectedValue(opcode: opcode.name, expected: expected, found: found.kindDescription)
        }
        guard let fields = id.tupleOrListItems, fields.count == 5 || fields.count == 6, fields[0].stringValue == "storage" else {
            throw unexpected("a persistent id (\"storage\", type, key, location, count)", id)
        }
        guard case .value(.global(let module, let typeName)) = fields[1] else { throw unexpected("a storage type", fields[1]) }
        guard module == "torch", let dtype = TorchDType(storageClassName: typeName) else {
            throw PickleError.Reason.unsupportedStorageType("\(module).\(typeName)")
        }
        guard let key = fields[2].stringValue else { throw unexpected("a storage key (a string)", fields[2]) }
        guard let count = fields[4].intValue, count >= 0, count <= Int.max / 8 else {
            throw unexpected("an element count", fields[4])
        }
        if fields.count == 6 {
            guard case .value(.none) = fields[5] else { throw unexpected("no storage view (None)", fields[5]) }
        }
        let reference = StorageReference(key: key, dtype: dtype, elementCount: count)
        if let earlier = storages[key] {
            guard earlier == reference else { throw PickleError.Reason.conflictingStorage(key: key) }
        } else {
            storages[key] = reference
            storageKeys.append(key)
        }
        return .storage(reference)
    }
}
