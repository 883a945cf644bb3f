import Foundation

/// The photographs of the photo set and their fixed split, as listed in a text file such as
/// `datasets/photos.txt`: one `SPLIT FILE` pair per line (SPLIT is `train` or `heldout`, FILE a
/// name relative to the photo folder); blank lines and lines starting with `#` are ignored.
public struct PhotoList: Equatable, Sendable {
    public enum Split: String, Sendable, CaseIterable {
        case train
        case heldout
    }

    public struct Entry: Equatable, Sendable {
        public let split: Split
        public let file: String
    }

    public let entries: [Entry]

    /// The files of one split, in the list's order.
    public func files(in split: Split) -> [String] { entries.filter { $0.split == split }.map(\.file) }

    public init(contentsOf url: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw DatasetError.malformedFile(path: url.path, message: "cannot read the photo list: \(error.localizedDescription)")
        }
        try self.init(parsing: text, name: url.path)
    }

    /// Parses the list's text; `name` is used in errors.
    public init(parsing text: String, name: String) throws {
        var entries: [Entry] = []
        var seen: Set<String> = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2, let split = Split(rawValue: String(fields[0])) else {
                throw DatasetError.malformedFile(path: name, message: "line \(offset + 1): expected \"train FILE\" "
                                                 + "or \"heldout FILE\", found \"\(line)\"")
            }
            let file = String(fields[1])
            guard seen.insert(file).inserted else {
                throw DatasetError.malformedFile(path: name, message: "line \(offset + 1): \(file) is listed twice")
            }
            entries.append(Entry(split: split, file: file))
        }
        guard !entries.isEmpty else { throw DatasetError.malformedFile(path: name, message: "lists no photos") }
        self.entries = entries
    }
}
