import Foundation

/// The text clean-up of BERT's uncased tokenizer, in the order of Hugging Face's `BertNormalizer`
/// (clean_text, handle_chinese_chars, strip_accents, lowercase):
///
/// 1. drop NUL, U+FFFD and control/format/private-use characters; white space becomes a space;
/// 2. put a space on both sides of every CJK ideograph;
/// 3. decompose canonically (NFD) and drop the non-spacing marks: "piñata" → "pinata";
/// 4. lower-case each code point by its full mapping ("İ" was "I" + a dot mark, so it ends as "i").
///
/// Works on code points, never on Swift's grapheme clusters, so that a flag or a ZWJ sequence is seen
/// as the tokenizer sees it. Character classes: `BertCharacters`.
enum BertNormalizer {
    static func normalized(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !BertCharacters.isRemovedByCleaning(scalar) {
            if BertCharacters.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if BertCharacters.isIdeograph(scalar) {
                cleaned.append(contentsOf: [" ", scalar, " "])
            } else {
                cleaned.append(scalar)
            }
        }
        var result = String.UnicodeScalarView()
        for scalar in String(cleaned).decomposedStringWithCanonicalMapping.unicodeScalars
        where !BertCharacters.isAccent(scalar) {
            result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return String(result)
    }
}
