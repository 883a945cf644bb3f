import CImageCodecs
import Foundation

/// The Swift side of the C codecs (the only file that imports them): copies results into Swift
/// values and turns status codes and messages into `ImageError`s.
enum Codecs {
    private static let messageCapacity = 256

    /// Decodes `data`, already recognised as `format`; `name` is used in errors.
    static func decode(_ data: Data, as format: ImageFormat, name: String) throws -> Image {
        var decoded = ldm_decoded_image()
        var message = [CChar](repeating: 0, count: messageCapacity)
        let status = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            switch format {
            case .jpeg: return ldm_jpeg_decode(bytes.baseAddress, bytes.count, &decoded, &message, messageCapacity)
            case .png: return ldm_png_decode(bytes.baseAddress, bytes.count, &decoded, &message, messageCapacity)
            }
        }
        try check(status, format, message, name)
        defer { ldm_codec_free(decoded.pixels) }
        let width = Int(decoded.width), height = Int(decoded.height), channels = Int(decoded.channels)
        let pixels = Array(UnsafeBufferPointer(start: decoded.pixels, count: width * height * channels))
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Encodes `image` as `format`; `quality` (1…100) is used by JPEG only.
    static func encode(_ image: Image, as format: ImageFormat, quality: Int, name: String) throws -> Data {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: messageCapacity)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            let (width, height, channels) = (Int32(image.width), Int32(image.height), Int32(image.channels))
            switch format {
            case .jpeg:
                return ldm_jpeg_encode(pixels.baseAddress, width, height, channels, Int32(quality),
                                       &output, &size, &message, messageCapacity)
            case .png:
                return ldm_png_encode(pixels.baseAddress, width, height, channels, &output, &size,
                                      &message, messageCapacity)
            }
        }
        try check(status, format, message, name)
        return Data(bytesNoCopy: output!, count: size, deallocator: .custom { bytes, _ in ldm_codec_free(bytes) })
    }

    private static func check(_ status: ldm_codec_status, _ format: ImageFormat, _ message: [CChar],
                              _ name: String) throws {
        let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch status {
        case LDM_CODEC_OK: return
        case LDM_CODEC_CORRUPT: throw ImageError(name: name, problem: .corrupt(format, detail))
        case LDM_CODEC_OUT_OF_MEMORY: throw ImageError(name: name, problem: .outOfMemory(format))
        default: throw ImageError(name: name, problem: .unsupported(format, detail))
        }
    }
}
