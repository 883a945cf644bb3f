/// The file formats ImageIO reads, recognised by their first bytes (never by the file's extension).
public enum ImageFormat: String, Sendable {
    case jpeg = "JPEG"
    case png = "PNG"

    /// The format whose signature `data` starts with, or nil.
    ///
    /// PNG: the 8-byte signature 89 50 4E 47 0D 0A 1A 0A (PNG spec §5.2); JPEG: an SOI marker FF D8
    /// followed by the first byte of the next marker, FF.
    public static func sniff<Bytes: Collection<UInt8>>(_ data: Bytes) -> ImageFormat? {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }
}
