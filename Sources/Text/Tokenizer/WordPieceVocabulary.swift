import Foundation

/// A WordPiece vocabulary: token i is line i of a BERT `vocab.txt` (one token a line, "##" marking
/// a piece that continues a word), with the four special tokens the tokenizer needs.
///
/// Tokens are compared code point by code point, as Hugging Face's tokenizers compares bytes, not
/// by Swift's canonical equivalence.
public struct WordPieceVocabulary: Sendable {
    /// Every token, by id.
    public let tokens: [String]
    /// The ids of `[UNK]` (a word it cannot spell), `[CLS]` (first), `[SEP]` (last) and `[PAD]` (filler).
    public let unknownID: Int, classifierID: Int, separatorID: Int, paddingID: Int

    /// Ids of the pieces that start a word, by their code points.
    private let wordStartIDs: [[Unicode.Scalar]: Int]
    /// Ids of the "##" pieces, by their code points without the "##".
    private let continuationIDs: [[Unicode.Scalar]: Int]

    /// The special tokens of the vocabulary, longest first: a text that contains one verbatim gets its
    /// id there (Hugging Face's added tokens, matched before normalisation).
    let specialTokens: [(scalars: [Unicode.Scalar], id: Int)]

    /// The prefix that marks a piece continuing a word.
    static let continuationPrefix: [Unicode.Scalar] = ["#", "#"]
    /// BERT's special tokens; all but [MASK] are required.
    static let specialTokenNames = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    /// A vocabulary of `tokens` (id = index), read from `source` (named in errors).
    /// - Throws: `VocabularyError` when there are no tokens, a token appears twice or a special
    ///   token is missing.
    public init(tokens: [String], source: String = "vocabulary") throws {
        guard !tokens.isEmpty else { throw VocabularyError(source: source, problem: .empty) }
        var wordStarts: [[Unicode.Scalar]: Int] = [:], continuations: [[Unicode.Scalar]: Int] = [:]
        for (id, token) in tokens.enumerated() {
            let scalars = Array(token.unicodeScalars)
            if let first = wordStarts[scalars] {
                throw VocabularyError(source: source, problem: .duplicateToken(token, firstLine: first + 1, line: id + 1))
            }
            wordStarts[scalars] = id
            // By code points: "##" + a combining mark is not a String prefix of "#", "#" (the second
            // "#" and the mark form one Character).
            if scalars.starts(with: Self.continuationPrefix) {
                continuations[Array(scalars.dropFirst(Self.continuationPrefix.count))] = id
            }
        }
        func special(_ token: String) throws -> Int {
            guard let id = wordStarts[Array(token.unicodeScalars)] else {
                throw VocabularyError(source: source, problem: .missingSpecialToken(token))
            }
            return id
        }
        self.tokens = tokens
        unknownID = try special("[UNK]")
        classifierID = try special("[CLS]")
        separatorID = try special("[SEP]")
        paddingID = try special("[PAD]")
        wordStartIDs = wordStarts
        continuationIDs = continuations
        specialTokens = Self.specialTokenNames.map { Array($0.unicodeScalars) }
            .compactMap { scalars in wordStarts[scalars].map { (scalars, $0) } }
            .sorted { $0.scalars.count > $1.scalars.count }
    }

    /// Reads a `vocab.txt`: UTF-8, one token a line; a final line break and a carriage return ending a
    /// line (a CRLF file) are not part of a token.
    /// - Throws: `VocabularyError` naming the file when it cannot be read, is not UTF-8, or fails `init(tokens:)`.
    public init(contentsOf url: URL) throws {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw VocabularyError(source: url.path, problem: .unreadable(reason: error.localizedDescription))
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw VocabularyError(source: url.path, problem: .notUTF8)
        }
        // Split by code points: to Swift's Characters, "\r\n" is one character, not ending in "\n".
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(String.UnicodeScalarView(line.last == "\r" ? line.dropLast() : line[...]))
        }
        if lines.last == "" { lines.removeLast() }
        try self.init(tokens: lines, source: url.path)
    }

    /// The id of `token` ("##ing" for a continuation), or nil.
    public func id(of token: String) -> Int? {
        wordStartIDs[Array(token.unicodeScalars)]
    }

    /// The id of the piece `scalars`, which starts a word or (`continuing`) follows another piece.
    func pieceID(_ scalars: ArraySlice<Unicode.Scalar>, continuing: Bool) -> Int? {
        continuing ? continuationIDs[Array(scalars)] : wordStartIDs[Array(scalars)]
    }
}
