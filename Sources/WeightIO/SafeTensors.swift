import Foundation
import TensorCore

/// Reading and writing the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then
/// the raw little-endian data.
public enum SafeTensors {
    /// Reads every tensor of the file at `url`, converting F16, BF16 and the other known dtypes to Float32.
    /// - Throws: `SafeTensorsError` naming the file and what is wrong with it.
    public static func read(contentsOf url: URL) throws -> SafeTensorsFile {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw SafeTensorsError(path: url.path, problem: .unreadable(reason: error.localizedDescription))
        }
        return try bytes.withUnsafeBytes { raw in
            let header = try SafeTensorsHeader(parsing: raw, path: url.path)
            var tensors: [String: Tensor] = [:], dtypes: [String: SafeTensorsDType] = [:]
            for entry in header.entries {
                let source = raw.baseAddress! + header.dataStart + entry.byteRange.lowerBound
                tensors[entry.name] = Tensor(shape: entry.shape) { destination in
                    entry.dtype.decode(source, count: destination.count, into: destination.baseAddress!)
                }
                dtypes[entry.name] = entry.dtype
            }
            return SafeTensorsFile(tensors: tensors, dtypes: dtypes, metadata: header.metadata)
        }
    }

    /// Writes `tensors` as F32 (sorted by name) with `metadata` in the header, atomically: a reader
    /// sees the old file or the whole new one, never a part.
    /// - Throws: `SafeTensorsError` naming the file when it cannot be written.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        precondition(tensors[SafeTensorsHeader.metadataKey] == nil,
                     "SafeTensors.write: \(SafeTensorsHeader.metadataKey) is reserved and cannot name a tensor")
        let ordered = tensors.sorted { $0.key < $1.key }
        do {
            let header = try SafeTensorsHeader.encoded(ordered.map { ($0.key, $0.value.shape) }, metadata: metadata)
            try writeAtomically(to: url) { file in
                try file.write(contentsOf: header)
                for (_, tensor) in ordered { try writeLittleEndian(tensor, to: file) }
            }
        } catch {
            throw SafeTensorsError(path: url.path, problem: .unwritable(reason: "\(error)"))
        }
    }

    /// Appends the elements of `tensor` as little-endian F32, a bounded piece at a time.
    private static func writeLittleEndian(_ tensor: Tensor, to file: FileHandle) throws {
        let pieceLength = 1 << 20
        try tensor.withUnsafeScalars { scalars in
            for start in stride(from: 0, to: scalars.count, by: pieceLength) {
                let piece = scalars[start..<min(scalars.count, start + pieceLength)]
                var bytes = Data(count: piece.count * 4)
                bytes.withUnsafeMutableBytes { raw in
                    for (i, value) in piece.enumerated() {
                        raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                    }
                }
                try file.write(contentsOf: bytes)
            }
        }
    }
}
