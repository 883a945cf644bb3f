/// A safe unpickler: it reads Python's pickle protocols 0 to 5 into values and never runs anything.
///
/// Classes and functions named by GLOBAL are not imported: the few PyTorch and Python ones a
/// checkpoint needs are interpreted (`Unpickler+Calls.swift`), every other one builds an opaque
/// `PickleObject`. Persistent ids name PyTorch storages (`Unpickler+Storages.swift`).
/// The opcodes follow Python's `Lib/pickle.py` and `Lib/pickletools.py`.
struct Unpickler {
    var reader: PickleByteReader
    /// The values; MARK records the stack's height in `marks`, and no opcode pops below the last mark.
    private var stack: [PickleSlot] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleSlot] = [:]
    /// Each storage the persistent ids declared, by key, and the keys in the order first seen.
    var storages: [String: StorageReference] = [:]
    var storageKeys: [String] = []

    /// What one pickle stream holds: its value, where it ended, and the storages its tensors view.
    struct Result {
        let root: PickleSlot
        /// The index of the byte after STOP.
        let end: Int
        let storages: [String: StorageReference]
        let storageKeys: [String]
    }

    /// Reads the pickle that begins at byte `start` of `bytes`, up to its STOP opcode.
    /// - Throws: `PickleError` naming the offset in `bytes` of the opcode that failed.
    static func unpickle(_ bytes: UnsafeRawBufferPointer, from start: Int = 0) throws -> Result {
        var unpickler = Unpickler(reader: PickleByteReader(bytes, position: start))
        while true {
            let opcodeStart = unpickler.reader.position
            do {
                let byte = try unpickler.reader.byte()
                guard let opcode = PickleOpcode(rawValue: byte) else { throw PickleError.Reason.unknownOpcode(byte) }
                if opcode == .stop {
                    let root = try unpickler.pop(for: opcode)
                    return Result(root: root, end: unpickler.reader.position,
                                  storages: unpickler.storages, storageKeys: unpickler.storageKeys)
                }
                try unpickler.execute(opcode)
            } catch let reason as PickleError.Reason {
                throw PickleError(offset: opcodeStart, reason: reason)
            }
        }
    }

    private mutating func execute(_ opcode: PickleOpcode) throws {
        switch opcode {
        case .proto:
            let version = Int(try reader.byte())
            guard version <= 5 else { throw PickleError.Reason.unsupportedProtocol(version) }
        case .frame: _ = try reader.integer(UInt64.self)
        case .mark: marks.append(stack.count)
        case .pop: if stack.count > floor { stack.removeLast() } else { _ = try popToMark(for: opcode) }
        case .popMark: _ = try popToMark(for: opcode)
        case .dup: push(try top(for: opcode))
        case .readonlyBuffer: _ = try top(for: opcode)
        case .none, .newTrue, .newFalse, .int, .binInt, .binInt1, .binInt2, .long, .long1, .long4, .float, .binFloat,
             .binUnicode, .shortBinUnicode, .binUnicode8, .binString, .shortBinString,
             .binBytes, .shortBinBytes, .binBytes8, .byteArray8:
            push(.value(try readLiteral(opcode)))
        case .put, .binPut, .longBinPut, .memoize, .get, .binGet, .longBinGet:
            try executeMemoOpcode(opcode)
        case .emptyList, .emptyTuple, .emptyDict, .emptySet, .list, .tuple, .dict, .frozenSet, .tuple1, .tuple2, .tuple3,
             .append, .appends, .setItem, .setItems, .addItems:
            try executeContainerOpcode(opcode)
        case .global, .stackGlobal, .reduce, .newObj, .newObjEx, .build, .inst, .obj, .persID, .binPersID:
            try executeObjectOpcode(opcode)
        case .string, .unicode, .ext1, .ext2, .ext4, .nextBuffer:
            throw PickleError.Reason.unsupportedOpcode(opcode.name)
        case .stop:
            preconditionFailure("STOP ends the loop in unpickle")
        }
    }

    private mutating func executeMemoOpcode(_ opcode: PickleOpcode) throws {
        switch opcode {
        case .put: memo[try memoIndex(fromLine: opcode)] = try top(for: opcode)
        case .binPut: memo[Int(try reader.byte())] = try top(for: opcode)
        case .longBinPut: memo[Int(try reader.integer(UInt32.self))] = try top(for: opcode)
        case .memoize: memo[memo.count] = try top(for: opcode)
        case .get: push(try memoized(try memoIndex(fromLine: opcode)))
        case .binGet: push(try memoized(Int(try reader.byte())))
        case .longBinGet: push(try memoized(Int(try reader.integer(UInt32.self))))
        default: preconditionFailure("\(opcode.name) is not a memo opcode")
        }
    }

    private mutating func memoIndex(fromLine opcode: PickleOpcode) throws -> Int {
        guard let index = Int(try reader.line(for: opcode)), index >= 0 else {
            throw PickleError.Reason.invalidText(opcode: opcode.name)
        }
        return index
    }

    private func memoized(_ index: Int) throws -> PickleSlot {
        guard let slot = memo[index] else { throw PickleError.Reason.badMemoIndex(index) }
        return slot
    }

    // MARK: - The stack

    /// The lowest stack index an opcode may pop: the height at the last MARK.
    private var floor: Int { marks.last ?? 0 }

    mutating func push(_ slot: PickleSlot) { stack.append(slot) }

    mutating func pop(for opcode: PickleOpcode) throws -> PickleSlot {
        guard stack.count > floor else { throw PickleError.Reason.stackUnderflow(opcode: opcode.name) }
        return stack.removeLast()
    }

    func top(for opcode: PickleOpcode) throws -> PickleSlot {
        guard stack.count > floor else { throw PickleError.Reason.stackUnderflow(opcode: opcode.name) }
        return stack[stack.count - 1]
    }

    /// Removes the last mark and returns the values pushed since, oldest first.
    mutating func popToMark(for opcode: PickleOpcode) throws -> [PickleSlot] {
        guard let mark = marks.popLast() else { throw PickleError.Reason.missingMark(opcode: opcode.name) }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }
}
