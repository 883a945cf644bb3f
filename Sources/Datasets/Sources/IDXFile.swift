import Foundation

/// An array stored in the IDX format of MNIST and Fashion-MNIST: a big-endian header (two zero
/// bytes, a type code, the number of dimensions, then each dimension as UInt32) followed by the
/// data. Only unsigned bytes (type 0x08) are supported, which is what these datasets use.
public struct IDXFile {
    public let dimensions: [Int]
    public let bytes: [UInt8]

    /// Reads a `.idx*-ubyte` file, gzip-compressed when its name ends in `.gz`.
    public init(contentsOf url: URL) throws {
        let raw: Data
        do {
            raw = try Data(contentsOf: url)
        } catch {
            throw IDXError.unreadable(path: url.path, message: error.localizedDescription)
        }
        let data = url.pathExtension == "gz" ? try gunzip(raw, name: url.path) : raw
        try self.init(data: data, name: url.path)
    }

    public init(data: Data, name: String) throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw IDXError.malformed(path: name, message: "missing the IDX magic number (00 00 type rank)")
        }
        guard bytes[2] == 0x08 else {
            throw IDXError.malformed(path: name, message: "element type 0x\(String(bytes[2], radix: 16)) is not unsigned byte (0x08)")
        }
        let rank = Int(bytes[3])
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw IDXError.malformed(path: name, message: "header of \(rank) dimensions is truncated")
        }
        let dimensions = (0..<rank).map { axis -> Int in
            let o = 4 + 4 * axis
            return Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
        }
        let expected = dimensions.reduce(1, *)
        guard bytes.count - headerSize == expected else {
            throw IDXError.malformed(path: name, message: "dimensions \(dimensions) need \(expected) bytes of data, "
                                     + "found \(bytes.count - headerSize)")
        }
        self.dimensions = dimensions
        self.bytes = Array(bytes[headerSize...])
    }
}

public enum IDXError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, message: String)
    case malformed(path: String, message: String)

    public var description: String {
        switch self {
        case let .unreadable(path, message): "cannot read \(path): \(message)"
        case let .malformed(path, message): "\(path): not a valid IDX file: \(message)"
        }
    }
}
