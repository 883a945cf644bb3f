import Foundation
import TensorCore

/// One tensor of a safetensors file: its element type, shape, and byte range in the data section.
struct SafeTensorsEntry {
    let name: String
    let dtype: SafeTensorsDType
    let shape: [Int]
    /// Byte offsets relative to the start of the data section, which follows the header.
    let byteRange: Range<Int>
}

/// The header of a safetensors file (https://github.com/huggingface/safetensors, "Format"):
/// an 8-byte little-endian length N, then N bytes of JSON,
/// `{"<name>": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …, "__metadata__": {…}}`,
/// then the data section. Offsets count from the start of the data section.
struct SafeTensorsHeader {
    let entries: [SafeTensorsEntry]
    let metadata: [String: String]
    /// Where the data section starts in the file: 8 + N.
    let dataStart: Int

    static let metadataKey = "__metadata__"

    /// Parses and checks the header of a whole file's `bytes`: every tensor lies inside the data
    /// section, holds exactly its shape's elements, and overlaps no other.
    init(parsing bytes: UnsafeRawBufferPointer, path: String) throws {
        func fail(_ problem: SafeTensorsError.Problem) -> SafeTensorsError { SafeTensorsError(path: path, problem: problem) }
        guard bytes.count >= 8 else { throw fail(.truncated(byteCount: bytes.count)) }
        let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail(.headerLengthPastEnd(headerLength: headerLength, fileByteCount: bytes.count))
        }
        dataStart = 8 + Int(headerLength)
        let json = Data(bytes[8..<dataStart])
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw fail(.invalidHeader(reason: "not JSON (\(error.localizedDescription))"))
        }
        guard let fields = object as? [String: Any] else { throw fail(.invalidHeader(reason: "not a JSON object")) }

        var metadata: [String: String] = [:]
        if let value = fields[Self.metadataKey] {
            guard let strings = value as? [String: String] else {
                throw fail(.invalidHeader(reason: "\(Self.metadataKey) does not map strings to strings"))
            }
            metadata = strings
        }
        self.metadata = metadata
        let dataByteCount = bytes.count - dataStart
        entries = try fields.keys.filter { $0 != Self.metadataKey }.sorted().map { name in
            try Self.entry(name, fields[name]!, dataByteCount: dataByteCount, fail: fail)
        }
        try Self.checkDisjoint(entries, fail: fail)
    }

    /// The entry `name` of the header, checked against the size of the data section.
    private static func entry(_ name: String, _ value: Any, dataByteCount: Int,
                              fail: (SafeTensorsError.Problem) -> SafeTensorsError) throws -> SafeTensorsEntry {
        guard let fields = value as? [String: Any], let dtypeName = fields["dtype"] as? String,
              let shape = fields["shape"] as? [Int], let offsets = fields["data_offsets"] as? [Int] else {
            throw fail(.invalidHeader(reason: "tensor \(name) lacks a dtype string, a shape or data_offsets"))
        }
        guard shape.allSatisfy({ $0 >= 0 }), offsets.count == 2 else {
            throw fail(.invalidHeader(reason: "tensor \(name) has shape \(shape) and data_offsets \(offsets)"))
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw fail(.unknownDType(tensor: name, dtype: dtypeName))
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard 0 <= begin, begin <= end, end <= dataByteCount else {
            throw fail(.offsetsOutOfRange(tensor: name, begin: begin, end: end, dataByteCount: dataByteCount))
        }
        let byteCount = checkedByteCount(shape, byteWidth: dtype.byteWidth)
        guard byteCount == end - begin else {
            throw fail(.byteCountMismatch(tensor: name, shape: shape, dtype: dtypeName,
                                          expected: byteCount ?? .max, actual: end - begin))
        }
        return SafeTensorsEntry(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// Throws for the first two entries whose byte ranges overlap.
    private static func checkDisjoint(_ entries: [SafeTensorsEntry],
                                      fail: (SafeTensorsError.Problem) -> SafeTensorsError) throws {
        let byStart = entries.filter { !$0.byteRange.isEmpty }.sorted { $0.byteRange.lowerBound < $1.byteRange.lowerBound }
        for (previous, next) in zip(byStart, byStart.dropFirst())
        where next.byteRange.lowerBound < previous.byteRange.upperBound {
            throw fail(.overlappingTensors(previous.name, next.name))
        }
    }

    /// The length prefix and JSON header of a file holding `tensors` as F32, packed in the order
    /// given, padded with spaces so that the data section starts 8-byte aligned.
    static func encoded(_ tensors: [(name: String, shape: [Int])], metadata: [String: String]) throws -> Data {
        var fields: [String: Any] = [:]
        var offset = 0
        for (name, shape) in tensors {
            let byteCount = shapeCount(shape) * SafeTensorsDType.float32.byteWidth
            fields[name] = ["dtype": SafeTensorsDType.float32.rawValue, "shape": shape,
                            "data_offsets": [offset, offset + byteCount]] as [String: Any]
            offset += byteCount
        }
        if !metadata.isEmpty { fields[metadataKey] = metadata }
        var json = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var header = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Data($0) }
        header.append(json)
        return header
    }
}

/// The bytes of an array of `shape` with elements of `byteWidth` bytes, nil when that overflows Int.
private func checkedByteCount(_ shape: [Int], byteWidth: Int) -> Int? {
    var total = byteWidth
    for extent in shape {
        let (product, overflow) = total.multipliedReportingOverflow(by: extent)
        if overflow { return nil }
        total = product
    }
    return total
}
