/// What calling a global builds: the few Python and PyTorch classes and functions a checkpoint needs
/// are interpreted here, any other becomes an opaque object. Nothing is imported or run.
extension Unpickler {
    func call(_ callable: PickleSlot, _ arguments: [PickleSlot], for opcode: PickleOpcode) throws -> PickleSlot {
        guard case .value(.global(let module, let name)) = callable else {
            throw PickleError.Reason.unexpectedValue(opcode: opcode.name, expected: "a class or function (a global)",
                                                     found: callable.kindDescription)
        }
        // Protocol 2 pickles name Python 3's builtins by their Python 2 module.
        let function = "\(module == "__builtin__" ? "builtins" : module).\(name)"
        switch function {
        case "collections.OrderedDict", "builtins.dict":
            return try orderedDict(arguments, function: function)
        case "builtins.set", "builtins.frozenset":
            return .sequence(SequenceBox(.set, try iterableArgument(arguments, function: function)))
        case "torch.Size":
            return .sequence(SequenceBox(.tuple, try iterableArgument(arguments, function: function)))
        case "builtins.bytes", "builtins.bytearray", "_codecs.encode":
            if let bytes = Self.bytes(fromArguments: arguments) { return .value(.bytes(bytes)) }
        case "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2":
            return .tensor(try tensorRecipe(arguments, function: function))
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            if case .tensor = arguments.first { return arguments[0] }
            throw PickleError.Reason.invalidTensorArguments(function: function, reason: "no tensor as its first argument")
        case "torch._tensor._rebuild_from_type_v2":
            // (function, tensor subclass, arguments, state): rebuilt as a plain tensor.
            if arguments.count >= 3, let innerArguments = arguments[2].tupleOrListItems {
                return try call(arguments[0], innerArguments, for: opcode)
            }
        default:
            break
        }
        return .object(ObjectBox(type: function, arguments: arguments))
    }

    /// The bytes that `bytes(…)`, `bytearray(…)` or `_codecs.encode(…)` make of `arguments` when they
    /// are nothing, bytes, or text and "latin1" (how protocol 2 pickles bytes); nil for anything else.
    private static func bytes(fromArguments arguments: [PickleSlot]) -> [UInt8]? {
        switch arguments.count {
        case 0: return []
        case 1: if case .value(.bytes(let bytes)) = arguments[0] { return bytes }
        case 2:
            if let text = arguments[0].stringValue, ["latin1", "latin-1"].contains(arguments[1].stringValue),
               text.unicodeScalars.allSatisfy({ $0.value < 256 }) {
                return text.unicodeScalars.map { UInt8($0.value) }
            }
        default: break
        }
        return nil
    }

    /// `OrderedDict()` or `OrderedDict([(key, value), …])`.
    private func orderedDict(_ arguments: [PickleSlot], function: String) throws -> PickleSlot {
        let dict = DictBox()
        for pair in try arguments.isEmpty ? [] : iterableArgument(arguments, function: function) {
            guard let items = pair.tupleOrListItems, items.count == 2 else {
                throw PickleError.Reason.unexpectedValue(opcode: function, expected: "(key, value) pairs", found: pair.kindDescription)
            }
            dict.entries.append((items[0], items[1]))
        }
        return .dict(dict)
    }

    /// The items of the single list or tuple argument of `function`.
    private func iterableArgument(_ arguments: [PickleSlot], function: String) throws -> [PickleSlot] {
        if arguments.isEmpty { return [] }
        if arguments.count == 1, case .sequence(let box) = arguments[0] { return box.items }
        throw PickleError.Reason.unexpectedValue(opcode: function, expected: "one list or tuple argument",
                                                 found: arguments.map(\.kindDescription).joined(separator: ", "))
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`
    /// (and the older `_rebuild_tensor`, the first four), checked against the storage's declared size.
    private func tensorRecipe(_ arguments: [PickleSlot], function: String) throws -> TensorRecipe {
        func invalid(_ reason: String) -> PickleError.Reason { .invalidTensorArguments(function: function, reason: reason) }
        guard arguments.count >= 4 else { throw invalid("\(arguments.count) arguments instead of at least 4") }
        guard case .storage(let storage) = arguments[0] else { throw invalid("\(arguments[0].kindDescription) instead of a storage") }
        guard let offset = arguments[1].intValue,
              let shape = arguments[2].tupleOrListItems?.compactMap(\.intValue), shape.count == arguments[2].tupleOrListItems?.count,
              let strides = arguments[3].tupleOrListItems?.compactMap(\.intValue), strides.count == arguments[3].tupleOrListItems?.count
        else {
            throw invalid("an offset, size and stride of \(arguments[1...3].map(\.kindDescription).joined(separator: ", ")) instead of ints")
        }
        if let problem = viewProblem(shape: shape, strides: strides, offset: offset, storageElementCount: storage.elementCount) {
            throw invalid("size \(shape), stride \(strides) and offset \(offset) that \(problem)")
        }
        return TensorRecipe(storage: storage, shape: shape, strides: strides, storageOffset: offset)
    }

    /// Why a view does not fit a storage of `storageElementCount` elements, or nil when it does.
    private func viewProblem(shape: [Int], strides: [Int], offset: Int, storageElementCount: Int) -> String? {
        guard shape.count == strides.count else { return "differ in rank" }
        guard shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }), offset >= 0 else { return "have a negative entry" }
        guard !shape.contains(0) else { return nil }
        var lastElement = offset, elementCount = 1
        for (size, stride) in zip(shape, strides) {
            let (reach, reachOverflows) = (size - 1).multipliedReportingOverflow(by: stride)
            let (last, lastOverflows) = lastElement.addingReportingOverflow(reach)
            let (count, countOverflows) = elementCount.multipliedReportingOverflow(by: size)
            if reachOverflows || lastOverflows || countOverflows { return "overflow 64 bits" }
            (lastElement, elementCount) = (last, count)
        }
        return lastElement < storageElementCount
            ? nil : "reach element \(lastElement) of a storage of \(storageElementCount) elements"
    }
}
