import Foundation

/// A fresh folder under the system's temporary directory for one test, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("WeightIOTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() throws { try FileManager.default.removeItem(at: url) }

    /// A new file in the folder holding `bytes`.
    func file(containing bytes: Data) throws -> URL {
        let file = url.appendingPathComponent("\(UUID().uuidString).safetensors")
        try bytes.write(to: file)
        return file
    }
}

/// The little-endian bytes of an integer.
func littleEndian<T: FixedWidthInteger>(_ value: T) -> Data { withUnsafeBytes(of: value.littleEndian) { Data($0) } }

/// A safetensors file: the 8-byte length of `header`, `header`, and `dataByteCount` zero bytes.
func safetensorsBytes(header: String, dataByteCount: Int) -> Data {
    littleEndian(UInt64(header.utf8.count)) + Data(header.utf8) + Data(count: dataByteCount)
}
