import Foundation

/// BERT's lower-cased WordPiece tokenizer, giving the ids Hugging Face's `BertTokenizerFast` gives
/// with all-MiniLM-L6-v2's `tokenizer.json`: normalise (`BertNormalizer`), split into words
/// (`BertPreTokenizer`), spell each word in pieces (`WordPiece`), then [CLS] … [SEP].
///
/// "Flag: Côte d’Ivoire" → [CLS] flag : cote d ’ ivo ##ire [SEP]
/// → [101, 5210, 1024, 17155, 1040, 1521, 28346, 7442, 102].
/// Source: Devlin et al. 2019, google-research/bert `tokenization.py`; Hugging Face tokenizers
/// `BertNormalizer`, `BertPreTokenizer`, `WordPiece`.
public struct BertTokenizer: Sendable {
    public let vocabulary: WordPieceVocabulary
    /// A longer word (in code points) is [UNK] without trying to spell it; 100 for BERT.
    public let maxCharactersPerWord: Int

    public init(vocabulary: WordPieceVocabulary, maxCharactersPerWord: Int = 100) {
        precondition(maxCharactersPerWord > 0, "BertTokenizer: maxCharactersPerWord \(maxCharactersPerWord) must be positive")
        self.vocabulary = vocabulary
        self.maxCharactersPerWord = maxCharactersPerWord
    }

    /// The tokenizer of a `vocab.txt`.
    /// - Throws: `VocabularyError` naming the file (see `WordPieceVocabulary.init(contentsOf:)`).
    public init(vocabularyFile url: URL) throws {
        self.init(vocabulary: try WordPieceVocabulary(contentsOf: url))
    }

    /// The ids of the text's pieces, without [CLS] and [SEP]; empty for a text of only white space.
    /// A special token written in the text ("[SEP]", not "[sep]") is that token.
    public func pieceIDs(_ text: String) -> [Int] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int] = []
        var plainStart = 0, position = 0
        while position < scalars.count {
            guard let special = specialToken(at: position, in: scalars) else {
                position += 1
                continue
            }
            ids += plainTextPieceIDs(scalars[plainStart..<position])
            ids.append(special.id)
            position += special.scalars.count
            plainStart = position
        }
        return ids + plainTextPieceIDs(scalars[plainStart...])
    }

    /// The special token that starts at `position`, if any.
    private func specialToken(at position: Int, in scalars: [Unicode.Scalar]) -> (scalars: [Unicode.Scalar], id: Int)? {
        vocabulary.specialTokens.first { scalars[position...].starts(with: $0.scalars) }
    }

    /// Normalisation, word split and WordPiece of text without special tokens.
    private func plainTextPieceIDs(_ scalars: ArraySlice<Unicode.Scalar>) -> [Int] {
        let text = String(String.UnicodeScalarView(scalars))
        return BertPreTokenizer.words(BertNormalizer.normalized(text)).flatMap {
            WordPiece.ids(of: $0, vocabulary: vocabulary, maxCharacters: maxCharactersPerWord)
        }
    }

    /// [CLS], the text's pieces and [SEP]; with `maxLength`, the pieces are cut after the first
    /// maxLength − 2, so that [SEP] stays last (Hugging Face's truncation of a single text).
    public func ids(_ text: String, maxLength: Int? = nil) -> [Int] {
        var pieces = pieceIDs(text)
        if let maxLength {
            precondition(maxLength >= 2, "BertTokenizer: maxLength \(maxLength) leaves no room for [CLS] and [SEP]")
            pieces = Array(pieces.prefix(maxLength - 2))
        }
        return [vocabulary.classifierID] + pieces + [vocabulary.separatorID]
    }

    /// The tokens of `ids(text)`, for reading: "grinning face" → ["[CLS]", "grinning", "face", "[SEP]"].
    public func tokens(_ text: String, maxLength: Int? = nil) -> [String] {
        ids(text, maxLength: maxLength).map { vocabulary.tokens[$0] }
    }

    /// Where padding stops in `batch(_:maxLength:padding:)`.
    public enum Padding: Sendable {
        /// Every row has `maxLength` tokens (a fixed shape, for a cache).
        case toMaxLength
        /// Rows have as many tokens as the longest text of the batch needs (less work to encode).
        case toLongest
    }

    /// The texts' ids, each truncated to `maxLength` and followed by [PAD] to a common length, with
    /// their attention mask.
    public func batch(_ texts: [String], maxLength: Int, padding: Padding = .toMaxLength) -> TokenBatch {
        let rows = texts.map { ids($0, maxLength: maxLength) }
        let length = padding == .toMaxLength ? maxLength : rows.map(\.count).max() ?? 2
        return TokenBatch(rows: rows, length: length, paddingID: vocabulary.paddingID)
    }
}
