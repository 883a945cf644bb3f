/// Why an image could not be read, decoded or written, with the file (or other source) it concerns.
public struct ImageError: Error, Equatable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        /// The file could not be read or written; the detail is the system's reason.
        case fileAccess(String)
        /// The data starts with neither signature; holds its first bytes (up to 4).
        case unknownFormat(leadingBytes: [UInt8])
        /// The data has the format's signature but does not decode; the detail is the codec's message.
        case corrupt(ImageFormat, String)
        /// A valid file, or a request, this code does not handle.
        case unsupported(ImageFormat, String)
        case outOfMemory(ImageFormat)
    }

    /// The file's path as given, or another name for in-memory data.
    public var name: String
    public var problem: Problem

    public init(name: String, problem: Problem) {
        self.name = name
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .fileAccess(let detail):
            "\(name): \(detail)"
        case .unknownFormat(let bytes):
            bytes.isEmpty ? "\(name): not a JPEG or PNG file (it is empty)"
                : "\(name): not a JPEG or PNG file (starts with \(bytes.map(hexByte).joined(separator: " ")))"
        case .corrupt(let format, let detail):
            "\(name): truncated or corrupt \(format.rawValue): \(detail)"
        case .unsupported(let format, let detail):
            "\(name): unsupported \(format.rawValue): \(detail)"
        case .outOfMemory(let format):
            "\(name): out of memory while coding \(format.rawValue)"
        }
    }
}

private func hexByte(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
}
