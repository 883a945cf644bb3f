import TensorCore

/// The fixed held-out split of the emoji: 10% of them, chosen by a seeded shuffle, the same on
/// every machine for the same font and names file.
///
/// The rule: emoji are held out in *families*, so that no held-out picture or name is seen in
/// training in another guise. Two emoji are of one family when their code points agree once U+FE0F
/// and the skin-tone modifiers U+1F3FB–U+1F3FF are left out (an emoji and its skin tones), or when
/// the font shows them with the same glyph (e.g. the flags of France, St. Martin and Clipperton
/// Island are one picture), and families join through shared members. The families, in order of
/// their first emoji in the file, are shuffled with `SeededGenerator(seed: 20_221_012)`
/// (xoshiro256**, `seededShuffle`); whole families are then held out in that order until they hold
/// at least 10% of the emoji (rounded to a whole emoji). Everything else is the training split.
public enum EmojiSplit: String, Sendable, CaseIterable {
    case train
    case heldout

    public static let seed: UInt64 = 20_221_012
    public static let heldOutFraction = 0.1
    static let skinTones: ClosedRange<UInt32> = 0x1F3FB...0x1F3FF
    static let emojiPresentation: UInt32 = 0xFE0F

    /// The split of each of `entries`, by the rule above.
    public static func assign(_ entries: [EmojiCatalog.Entry]) -> [EmojiSplit] {
        let families = families(entries)
        var generator = SeededGenerator(seed: seed)
        let wanted = Int((Double(entries.count) * heldOutFraction).rounded())
        var splits = [EmojiSplit](repeating: .train, count: entries.count), heldOut = 0
        for family in families.seededShuffle(using: &generator) where heldOut < wanted {
            for index in family { splits[index] = .heldout }
            heldOut += family.count
        }
        return splits
    }

    /// The code points of `emoji` without U+FE0F and skin tones.
    static func base(of emoji: NamedEmoji) -> [UInt32] {
        emoji.codePoints.filter { $0 != emojiPresentation && !skinTones.contains($0) }
    }

    /// The indices of each family, families in order of their first member.
    private static func families(_ entries: [EmojiCatalog.Entry]) -> [[Int]] {
        var parent = Array(entries.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { (parent[i], i) = (parent[parent[i]], parent[i]) }
            return i
        }
        var firstWithBase: [[UInt32]: Int] = [:], firstWithGlyph: [Int: Int] = [:]
        for (index, entry) in entries.enumerated() {
            for other in [firstWithBase[base(of: entry.emoji)], firstWithGlyph[entry.glyph]].compactMap({ $0 }) {
                let (a, b) = (root(index), root(other))
                parent[max(a, b)] = min(a, b)
            }
            firstWithBase[base(of: entry.emoji)] = firstWithBase[base(of: entry.emoji)] ?? index
            firstWithGlyph[entry.glyph] = firstWithGlyph[entry.glyph] ?? index
        }
        var members: [Int: [Int]] = [:], order: [Int] = []
        for index in entries.indices {
            let family = root(index)
            if members[family] == nil { order.append(family) }
            members[family, default: []].append(index)
        }
        return order.map { members[$0]! }
    }
}
