/// WordPiece's greedy longest-match-first split of one word (Wu et al. 2016; Google's BERT
/// `WordpieceTokenizer`): from the start of the word, take the longest piece in the vocabulary, then
/// the longest "##" piece from where it ended, and so on.
///
/// "ivoire" → ["ivo", "##ire"] with MiniLM's vocabulary. A word that cannot be spelled this way, or
/// is longer than `maxCharacters` code points, is the single token [UNK].
enum WordPiece {
    static func ids(of word: [Unicode.Scalar], vocabulary: WordPieceVocabulary, maxCharacters: Int) -> [Int] {
        guard word.count <= maxCharacters else { return [vocabulary.unknownID] }
        var ids: [Int] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var match: Int?
            while end > start {
                match = vocabulary.pieceID(word[start..<end], continuing: start > 0)
                if match != nil { break }
                end -= 1
            }
            guard let match else { return [vocabulary.unknownID] }
            ids.append(match)
            start = end
        }
        return ids
    }
}
