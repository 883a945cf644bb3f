/// Why a WordPiece vocabulary could not be made: its source (a `vocab.txt` path) and what was wrong.
public struct VocabularyError: Error, Equatable, CustomStringConvertible {
    public let source: String
    public let problem: Problem

    public init(source: String, problem: Problem) {
        self.source = source
        self.problem = problem
    }

    public enum Problem: Equatable {
        /// The file could not be opened or read.
        case unreadable(reason: String)
        /// The file is not UTF-8 text.
        case notUTF8
        /// There are no tokens.
        case empty
        /// `token` is on two lines (1-based).
        case duplicateToken(String, firstLine: Int, line: Int)
        /// One of [UNK], [CLS], [SEP] and [PAD] is missing.
        case missingSpecialToken(String)
    }

    public var description: String {
        let what: String = switch problem {
        case .unreadable(let reason): "cannot be read: \(reason)"
        case .notUTF8: "is not UTF-8 text"
        case .empty: "holds no tokens (a vocab.txt has one token a line)"
        case .duplicateToken(let token, let firstLine, let line):
            "has token \"\(token)\" twice, on lines \(firstLine) and \(line)"
        case .missingSpecialToken(let token):
            "lacks the special token \(token) (a BERT vocabulary needs [UNK], [CLS], [SEP] and [PAD])"
        }
        return "WordPiece vocabulary \(source) \(what)"
    }
}
