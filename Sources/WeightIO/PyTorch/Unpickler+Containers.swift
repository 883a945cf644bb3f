/// The opcodes that make lists, tuples, dicts and sets, and add items to them.
extension Unpickler {
    mutating func executeContainerOpcode(_ opcode: PickleOpcode) throws {
        switch opcode {
        case .emptyList: push(.sequence(SequenceBox(.list)))
        case .emptyTuple: push(.sequence(SequenceBox(.tuple)))
        case .emptySet: push(.sequence(SequenceBox(.set)))
        case .emptyDict: push(.dict(DictBox()))
        case .list: push(.sequence(SequenceBox(.list, try popToMark(for: opcode))))
        case .tuple: push(.sequence(SequenceBox(.tuple, try popToMark(for: opcode))))
        case .frozenSet: push(.sequence(SequenceBox(.set, try popToMark(for: opcode))))
        case .tuple1, .tuple2, .tuple3:
            let count = Int(opcode.rawValue - PickleOpcode.tuple1.rawValue) + 1
            var items: [PickleSlot] = []
            for _ in 0..<count { items.insert(try pop(for: opcode), at: 0) }
            push(.sequence(SequenceBox(.tuple, items)))
        case .dict:
            let dict = DictBox()
            dict.entries = try pairs(try popToMark(for: opcode), for: opcode)
            push(.dict(dict))
        // The items are popped in statements of their own: a call's non-mutating method would see the
        // stack as it was before its arguments popped them.
        case .append:
            let item = try pop(for: opcode)
            try append([item], for: opcode)
        case .appends:
            let items = try popToMark(for: opcode)
            try append(items, for: opcode)
        case .addItems:
            let items = try popToMark(for: opcode)
            try append(items, for: opcode, into: .set)
        case .setItem:
            let value = try pop(for: opcode), key = try pop(for: opcode)
            try setItems([(key, value)], for: opcode)
        case .setItems:
            let entries = try pairs(try popToMark(for: opcode), for: opcode)
            try setItems(entries, for: opcode)
        default: preconditionFailure("\(opcode.name) is not a container opcode")
        }
    }

    /// Adds `items` to the list (or set) on top of the stack, or to an object's list items.
    private func append(_ items: [PickleSlot], for opcode: PickleOpcode, into kind: SequenceBox.Kind = .list) throws {
        switch try top(for: opcode) {
        case .sequence(let box) where box.kind == kind: box.items += items
        case .object(let box) where kind == .list: box.listItems += items
        case let other: throw PickleError.Reason.unexpectedValue(opcode: opcode.name, expected: "a \(kind)", found: other.kindDescription)
        }
    }

    /// Adds entries to the dict on top of the stack, or to an object's dict items.
    private func setItems(_ entries: [(key: PickleSlot, value: PickleSlot)], for opcode: PickleOpcode) throws {
        switch try top(for: opcode) {
        case .dict(let box): box.entries += entries
        case .object(let box): box.dictItems += entries
        case let other: throw PickleError.Reason.unexpectedValue(opcode: opcode.name, expected: "a dict", found: other.kindDescription)
        }
    }

    /// Alternating keys and values as pairs.
    private func pairs(_ items: [PickleSlot], for opcode: PickleOpcode) throws -> [(key: PickleSlot, value: PickleSlot)] {
        guard items.count.isMultiple(of: 2) else {
            throw PickleError.Reason.unexpectedValue(opcode: opcode.name, expected: "keys and values in pairs",
                                                     found: "\(items.count) items")
        }
        return stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }
    }
}
