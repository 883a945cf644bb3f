/// The opcodes that push a constant: None, bools, ints, floats, strings and bytes.
extension Unpickler {
    mutating func readLiteral(_ opcode: PickleOpcode) throws -> PickleValue {
        switch opcode {
        case .none: return .none
        case .newTrue: return .bool(true)
        case .newFalse: return .bool(false)
        case .binInt: return .int(Int(try reader.integer(Int32.self)))
        case .binInt1: return .int(Int(try reader.byte()))
        case .binInt2: return .int(Int(try reader.integer(UInt16.self)))
        case .long1: return integer(littleEndian: Array(try reader.bytes(countedBy: UInt8.self)))
        case .long4: return integer(littleEndian: Array(try reader.bytes(countedBy: Int32.self)))
        case .int: return try textInteger(opcode)
        case .long: return try textInteger(opcode, dropping: "L")
        case .float:
            guard let value = Double(try reader.line(for: opcode)) else { throw PickleError.Reason.invalidText(opcode: opcode.name) }
            return .float(value)
        case .binFloat: return .float(Double(bitPattern: UInt64(bigEndian: try reader.integer(UInt64.self))))
        case .binUnicode: return try utf8String(try reader.bytes(countedBy: UInt32.self), opcode)
        case .shortBinUnicode: return try utf8String(try reader.bytes(countedBy: UInt8.self), opcode)
        case .binUnicode8: return try utf8String(try reader.bytes(countedBy: UInt64.self), opcode)
        case .binString: return python2String(try reader.bytes(countedBy: Int32.self))
        case .shortBinString: return python2String(try reader.bytes(countedBy: UInt8.self))
        case .binBytes: return .bytes(Array(try reader.bytes(countedBy: UInt32.self)))
        case .shortBinBytes: return .bytes(Array(try reader.bytes(countedBy: UInt8.self)))
        case .binBytes8, .byteArray8: return .bytes(Array(try reader.bytes(countedBy: UInt64.self)))
        default: preconditionFailure("\(opcode.name) does not push a literal")
        }
    }

    /// A two's-complement little-endian integer (LONG1, LONG4): `.int` when it fits 64 bits.
    private func integer(littleEndian bytes: [UInt8]) -> PickleValue {
        let negative = (bytes.last ?? 0) & 0x80 != 0
        let signByte: UInt8 = negative ? 0xFF : 0
        // Bytes past the eighth only repeat the sign when the value fits, and byte 7 then has the sign bit.
        let fits = bytes.count <= 8 || (bytes[8...].allSatisfy { $0 == signByte } && (bytes[7] & 0x80 != 0) == negative)
        guard fits else { return .bigInt(littleEndianBytes: bytes) }
        let eightBytes = bytes.prefix(8) + repeatElement(signByte, count: max(0, 8 - bytes.count))
        let bitPattern = eightBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return .int(Int(Int64(bitPattern: bitPattern)))
    }

    /// Protocol 0's decimal INT and LONG lines; INT's `01` and `00` are True and False.
    private mutating func textInteger(_ opcode: PickleOpcode, dropping suffix: Character? = nil) throws -> PickleValue {
        var text = try reader.line(for: opcode)
        if opcode == .int, text == "01" || text == "00" { return .bool(text == "01") }
        if let suffix, text.last == suffix { text.removeLast() }
        guard let value = Int(text) else { throw PickleError.Reason.invalidText(opcode: opcode.name) }
        return .int(value)
    }

    private func utf8String(_ bytes: UnsafeRawBufferPointer, _ opcode: PickleOpcode) throws -> PickleValue {
        guard let string = String(validating: bytes, as: UTF8.self) else { throw PickleError.Reason.invalidText(opcode: opcode.name) }
        return .string(string)
    }

    /// A Python 2 `str` (BINSTRING): text when it is UTF-8, as `torch.load` decodes it, else bytes.
    private func python2String(_ bytes: UnsafeRawBufferPointer) -> PickleValue {
        String(validating: bytes, as: UTF8.self).map(PickleValue.string) ?? .bytes(Array(bytes))
    }
}
