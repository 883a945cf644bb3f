import CZlib
import Foundation

/// Errors reading gzip-compressed files.
public enum GzipError: Error, CustomStringConvertible, Equatable {
    case corrupt(path: String, message: String)

    public var description: String {
        switch self {
        case let .corrupt(path, message): "\(path): not a readable gzip file: \(message)"
        }
    }
}

/// Decompresses a whole gzip (or zlib) stream held in memory. `name` is used in errors.
func gunzip(_ compressed: Data, name: String) throws -> Data {
    var stream = z_stream()
    // 15 + 32: a 32 KiB window with automatic gzip/zlib header detection.
    guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw GzipError.corrupt(path: name, message: "inflateInit failed")
    }
    defer { inflateEnd(&stream) }
    var output = Data()
    let chunkSize = 1 << 20
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    var status: Int32 = Z_OK
    try compressed.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
        stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(input.count)
        repeat {
            try chunk.withUnsafeMutableBufferPointer { buffer in
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(chunkSize)
                status = inflate(&stream, Z_NO_FLUSH)
                if status == Z_BUF_ERROR {
                    throw GzipError.corrupt(path: name, message: "truncated (ended before the end of the stream)")
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw GzipError.corrupt(path: name, message: message)
                }
                output.append(buffer.baseAddress!, count: chunkSize - Int(stream.avail_out))
            }
            if status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0 {
                throw GzipError.corrupt(path: name, message: "truncated (ended before the end of the stream)")
            }
        } while status != Z_STREAM_END
    }
    return output
}
