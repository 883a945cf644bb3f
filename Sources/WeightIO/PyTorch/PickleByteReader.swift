/// Reads a pickle's opcodes and arguments from a byte buffer, failing with `.truncated` at its end.
struct PickleByteReader {
    let bytes: UnsafeRawBufferPointer
    /// The index of the next byte to read.
    private(set) var position: Int

    init(_ bytes: UnsafeRawBufferPointer, position: Int) {
        self.bytes = bytes
        self.position = position
    }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw PickleError.Reason.truncated }
        defer { position += 1 }
        return bytes[position]
    }

    /// The next `count` bytes.
    mutating func bytes(count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else { throw PickleError.Reason.truncated }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    /// The next `count` bytes, where `count` was read from the stream as a `T` (a length prefix).
    mutating func bytes<T: FixedWidthInteger>(countedBy _: T.Type) throws -> UnsafeRawBufferPointer {
        let count = try integer(T.self)
        guard count >= 0, UInt64(count) <= UInt64(bytes.count - position) else { throw PickleError.Reason.truncated }
        return try bytes(count: Int(count))
    }

    /// A little-endian integer.
    mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let raw = try bytes(count: MemoryLayout<T>.size)
        return T(littleEndian: raw.loadUnaligned(as: T.self))
    }

    /// The text up to the next newline (protocol 0 arguments), without the newline.
    mutating func line(for opcode: PickleOpcode) throws -> String {
        guard let end = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) else { throw PickleError.Reason.truncated }
        defer { position = end + 1 }
        guard let text = String(validating: bytes[position..<end], as: UTF8.self) else {
            throw PickleError.Reason.invalidText(opcode: opcode.name)
        }
        return text
    }
}
