import Foundation

/// One fully-qualified emoji of Unicode's emoji-test.txt: its code points, name, group and subgroup.
public struct NamedEmoji: Equatable, Sendable {
    public let codePoints: [UInt32]
    /// The CLDR short name, e.g. "grinning face" or "flag: Japan".
    public let name: String
    /// e.g. "Smileys & Emotion".
    public let group: String
    /// e.g. "face-smiling".
    public let subgroup: String

    public init(codePoints: [UInt32], name: String, group: String, subgroup: String) {
        (self.codePoints, self.name, self.group, self.subgroup) = (codePoints, name, group, subgroup)
    }
}

/// Reads Unicode's emoji-test.txt (UTS #51), which names every emoji sequence and sorts them into
/// groups and subgroups.
///
/// The file has `# group: NAME` and `# subgroup: NAME` headers, other `#` comment lines, blank
/// lines, and one line per sequence: `CODEPOINTS ; STATUS # EMOJI Ex.y NAME`, the code points in
/// hexadecimal separated by spaces, STATUS one of component, fully-qualified, minimally-qualified
/// or unqualified. Only fully-qualified sequences are kept: each emoji once, in its keyboard form
/// (the other statuses repeat emoji without their U+FE0F selectors, or list skin-tone and hair
/// components on their own).
public enum EmojiNames {
    /// Where Debian's unicode-data package installs it.
    public static let defaultFile = URL(fileURLWithPath: "/usr/share/unicode/emoji/emoji-test.txt")
    static let statuses: Set<String> = ["component", "fully-qualified", "minimally-qualified", "unqualified"]

    /// The fully-qualified emoji of the file at `url`, in file order.
    public static func read(_ url: URL = defaultFile) throws -> [NamedEmoji] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw DatasetError.malformedFile(path: url.path,
                                             message: "cannot read the emoji names: \(error.localizedDescription)")
        }
        return try parse(text, name: url.path)
    }

    /// The fully-qualified emoji of emoji-test.txt's `text`; `name` is used in errors.
    public static func parse(_ text: String, name: String) throws -> [NamedEmoji] {
        var group: String?, subgroup: String?
        var emoji: [NamedEmoji] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            func fail(_ why: String) -> DatasetError { .malformedFile(path: name, message: "line \(offset + 1): \(why)") }
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                if let value = headerValue(line, "group") { (group, subgroup) = (value, nil) }
                if let value = headerValue(line, "subgroup") { subgroup = value }
                continue
            }
            let entry = try parseEntry(line, fail: fail)
            guard entry.status == "fully-qualified" else { continue }
            guard let group, let subgroup else { throw fail("an emoji before its \"# group:\" and \"# subgroup:\" headers") }
            emoji.append(NamedEmoji(codePoints: entry.codePoints, name: entry.name, group: group, subgroup: subgroup))
        }
        guard !emoji.isEmpty else { throw DatasetError.malformedFile(path: name, message: "lists no fully-qualified emoji") }
        return emoji
    }

    /// The value of a `# KEY: value` header line, or nil when the line is not one.
    private static func headerValue(_ line: String, _ key: String) -> String? {
        let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
        guard body.hasPrefix(key + ":") else { return nil }
        return body.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
    }

    /// The code points, status and name of a `CODEPOINTS ; STATUS # EMOJI Ex.y NAME` line.
    private static func parseEntry(_ line: String, fail: (String) -> DatasetError) throws
        -> (codePoints: [UInt32], status: String, name: String) {
        let fields = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        let comment = fields.count < 2 ? [] : fields[1].split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        guard comment.count == 2 else { throw fail("expected \"CODEPOINTS ; STATUS # EMOJI Ex.y NAME\", found \"\(line)\"") }
        let codePoints = try fields[0].split(separator: " ").map { text in
            guard let value = UInt32(text, radix: 16), value <= 0x10FFFF else {
                throw fail("\"\(text)\" is not a hexadecimal code point")
            }
            return value
        }
        guard !codePoints.isEmpty else { throw fail("no code points before the \";\"") }
        let status = comment[0].trimmingCharacters(in: .whitespaces)
        guard statuses.contains(status) else {
            throw fail("unknown status \"\(status)\" (expected one of \(statuses.sorted().joined(separator: ", ")))")
        }
        let words = comment[1].split(separator: " ", maxSplits: 2)
        guard words.count == 3, words[1].first == "E", Double(words[1].dropFirst()) != nil else {
            throw fail("expected \"# EMOJI Ex.y NAME\" after the status, found \"#\(comment[1])\"")
        }
        return (codePoints, status, String(words[2]).trimmingCharacters(in: .whitespaces))
    }
}
