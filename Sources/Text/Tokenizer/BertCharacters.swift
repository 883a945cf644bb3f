/// How BERT's tokenizer classifies a code point, exactly as Hugging Face's tokenizers library (the
/// `tokenizer.json` of all-MiniLM-L6-v2) does.
///
/// That library reads general categories from tables of Unicode 8.0, so a character assigned later
/// (most emoji, recent scripts) has no category for it: it is never dropped as a control or format
/// character, never stripped as an accent and never split off as punctuation. Seven older characters
/// changed category after 8.0; `unicode8Categories` keeps their old one. Lower-casing, canonical
/// decomposition and the white-space property come from current tables on both sides. The
/// exhaustive fixture (every code point between "a" and "b", Tests/Fixtures/bert_tokenizer.json)
/// checks all of this.
enum BertCharacters {
    /// The general category in Unicode 8.0, or nil for a code point unassigned then.
    static func unicode8Category(_ scalar: Unicode.Scalar) -> Unicode.GeneralCategory? {
        if let changed = unicode8Categories[scalar.value] { return changed }
        guard let age = scalar.properties.age, age <= (major: 8, minor: 0) else { return nil }
        return scalar.properties.generalCategory
    }

    /// Characters whose category changed between Unicode 8.0 and the current version, with their 8.0 one.
    private static let unicode8Categories: [UInt32: Unicode.GeneralCategory] = [
        0x166D: .otherPunctuation,  // CANADIAN SYLLABICS CHI SIGN, So since 12.0
        0x1734: .nonspacingMark,  // HANUNOO SIGN PAMUDPOD, Mc since 14.0
        0x1885: .otherLetter,  // MONGOLIAN LETTER ALI GALI BALUDA, Mn since 9.0
        0x1886: .otherLetter,  // MONGOLIAN LETTER ALI GALI THREE BALUDA, Mn since 9.0
        0xA9BD: .spacingMark,  // JAVANESE CONSONANT SIGN KERET, Mn since 12.0
        0x111C9: .otherPunctuation,  // SHARADA SANDHI MARK, Mn since 13.0
        0x1171E: .nonspacingMark,  // AHOM CONSONANT SIGN MEDIAL RA, Mc after 15.0
    ]

    /// Dropped when the text is cleaned: NUL, U+FFFD and the control, format and private-use
    /// characters (Cc, Cf, Co), except tab, line feed and carriage return, which are white space.
    static func isRemovedByCleaning(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\n", "\r": return false
        case "\u{0}", "\u{FFFD}": return true
        default:
            switch unicode8Category(scalar) {
            case .control?, .format?, .privateUse?: return true
            default: return false
            }
        }
    }

    /// Separates words: Unicode's White_Space property (which includes tab, line feed and carriage return).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

    /// A word of its own: every ASCII non-alphanumeric symbol (`$`, `+`, `^`, `` ` `` … count although
    /// Unicode calls them symbols) and every character of a punctuation category (P*).
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: return true
        default:
            switch unicode8Category(scalar) {
            case .connectorPunctuation?, .dashPunctuation?, .openPunctuation?, .closePunctuation?,
                 .initialPunctuation?, .finalPunctuation?, .otherPunctuation?: return true
            default: return false
            }
        }
    }

    /// Removed after canonical decomposition when accents are stripped: the non-spacing marks (Mn).
    static func isAccent(_ scalar: Unicode.Scalar) -> Bool { unicode8Category(scalar) == .nonspacingMark }

    /// A CJK ideograph, which becomes a word of its own. The blocks of Google's BERT, except that the
    /// tokenizers library starts CJK Extension E at U+2B920 instead of U+2B820.
    static func isIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }
}
