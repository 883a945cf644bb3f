import CZlib
import Foundation

/// The zlib functions zip entries need: raw deflate decompression and the CRC-32 checksum.
enum Zlib {
    /// Why a deflate stream could not be inflated.
    struct InflateError: Error {
        let reason: String
    }

    /// Inflates a raw deflate stream (no zlib or gzip header) that decompresses to `byteCount` bytes.
    /// - Throws: `InflateError` saying what is wrong with the stream.
    static func inflateRaw(_ compressed: Data, byteCount: Int) throws -> Data {
        guard compressed.count <= UInt32.max, byteCount <= UInt32.max else {
            throw InflateError(reason: "deflated entries over 4 GB are not supported")
        }
        if byteCount == 0 { return Data() }  // zlib refuses an empty output buffer.
        var stream = z_stream()
        // Negative window bits: a raw deflate stream, as zip stores it, with a 32 KiB window.
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw InflateError(reason: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output = Data(count: byteCount)
        let status = compressed.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { destination in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(input.count)
                stream.next_out = destination.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(destination.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        switch status {
        case Z_STREAM_END where Int(stream.total_out) == byteCount:
            return output
        case Z_STREAM_END:
            throw InflateError(reason: "it inflates to \(stream.total_out) bytes, not the \(byteCount) the directory declares")
        case Z_OK, Z_BUF_ERROR:
            throw InflateError(reason: "its deflate stream ends early or inflates to more than the \(byteCount) bytes the directory declares")
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw InflateError(reason: "its deflate stream is invalid (\(message))")
        }
    }

    /// The CRC-32 of `bytes`, as zip records it.
    static func crc32(of bytes: Data) -> UInt32 {
        bytes.withUnsafeBytes { raw in
            UInt32(crc32_z(0, raw.baseAddress?.assumingMemoryBound(to: Bytef.self), z_size_t(raw.count)))
        }
    }
}
