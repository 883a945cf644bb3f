/// The opcodes that name globals, call them, set object state, and load persistent ids.
extension Unpickler {
    mutating func executeObjectOpcode(_ opcode: PickleOpcode) throws {
        switch opcode {
        case .global:
            let module = try reader.line(for: opcode), name = try reader.line(for: opcode)
            push(.value(.global(module: module, name: name)))
        case .stackGlobal:
            let name = try pop(for: opcode), module = try pop(for: opcode)
            guard let module = module.stringValue, let name = name.stringValue else {
                throw PickleError.Reason.unexpectedValue(opcode: opcode.name, expected: "a module and a name (strings)",
                                                         found: "\(module.kindDescription) and \(name.kindDescription)")
            }
            push(.value(.global(module: module, name: name)))
        case .reduce, .newObj:
            let arguments = try pop(for: opcode), callable = try pop(for: opcode)
            guard let items = arguments.tupleOrListItems else {
                throw PickleError.Reason.unexpectedValue(opcode: opcode.name, expected: "an argument tuple", found: arguments.kindDescription)
            }
            push(try call(callable, items, for: opcode))
        case .newObjEx:
            let keywords = try pop(for: opcode), arguments = try pop(for: opcode), callable = try pop(for: opcode)
            guard let items = arguments.tupleOrListItems, case .dict(let keywordBox) = keywords else {
                throw PickleError.Reason.unexpectedValue(opcode: opcode.name, expected: "an argument tuple and a keyword dict",
                                                         found: "\(arguments.kindDescription) and \(keywords.kindDescription)")
            }
            push(try call(callable, keywordBox.entries.isEmpty ? items : items + [keywords], for: opcode))
        case .inst:
            let module = try reader.line(for: opcode), name = try reader.line(for: opcode)
            let arguments = try popToMark(for: opcode)
            push(try call(.value(.global(module: module, name: name)), arguments, for: opcode))
        case .obj:
            let items = try popToMark(for: opcode)
            guard let callable = items.first else { throw PickleError.Reason.stackUnderflow(opcode: opcode.name) }
            push(try call(callable, Array(items.dropFirst()), for: opcode))
        case .build:
            let state = try pop(for: opcode)  // popped first: `build` reads the stack after
            try build(state: state, for: opcode)
        case .persID:
            let id = try reader.line(for: opcode)
            push(try persistentLoad(.value(.string(id)), for: opcode))
        case .binPersID:
            let id = try pop(for: opcode)
            push(try persistentLoad(id, for: opcode))
        default: preconditionFailure("\(opcode.name) is not an object opcode")
        }
    }

    /// BUILD: an object keeps `state`; a dict's or tensor's attributes are dropped (see `PickleValue`).
    private func build(state: PickleSlot, for opcode: PickleOpcode) throws {
        switch try top(for: opcode) {
        case .object(let box): box.state = state
        case .dict, .tensor: break
        case let other:
            throw PickleError.Reason.unexpectedValue(opcode: opcode.name, expected: "an object", found: other.kindDescription)
        }
    }
}
