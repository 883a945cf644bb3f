import Foundation

extension Image {
    /// Reads and decodes the JPEG or PNG file at `url`, recognised by its first bytes.
    public init(contentsOf url: URL) throws {
        let name = url.isFileURL ? url.relativePath : url.absoluteString
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ImageError(name: name, problem: .fileAccess(systemReason(error)))
        }
        try self.init(decoding: data, name: name)
    }

    /// Decodes JPEG or PNG `data` (recognised by its first bytes); `name` identifies it in errors.
    ///
    /// The channels are the file's own: 1 for grey, 3 for colour, 4 when the file has any alpha.
    public init(decoding data: Data, name: String) throws {
        guard let format = ImageFormat.sniff(data) else {
            throw ImageError(name: name, problem: .unknownFormat(leadingBytes: Array(data.prefix(4))))
        }
        self = try Codecs.decode(data, as: format, name: name)
    }

    /// The image as an 8-bit PNG file.
    public func pngData() throws -> Data {
        try Codecs.encode(self, as: .png, quality: 0, name: "in-memory image")
    }

    /// The image as a baseline JPEG file of the given quality (1…100); grey or RGB images only.
    public func jpegData(quality: Int = 95) throws -> Data {
        try Codecs.encode(self, as: .jpeg, quality: quality, name: "in-memory image")
    }

    /// Writes the image to `url` as a PNG file (whatever the extension), replacing any file there.
    public func write(to url: URL) throws {
        let name = url.isFileURL ? url.relativePath : url.absoluteString
        let data = try Codecs.encode(self, as: .png, quality: 0, name: name)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw ImageError(name: name, problem: .fileAccess(systemReason(error)))
        }
    }
}

/// The operating system's reason for a failed file access ("No such file or directory") when
/// Foundation has one, else Foundation's own description.
private func systemReason(_ error: Error) -> String {
    if let posix = (error as? CocoaError)?.underlying as? POSIXError {
        return String(cString: strerror(posix.code.rawValue))
    }
    return error.localizedDescription
}
