/// The word split of BERT's tokenizer (Hugging Face's `BertPreTokenizer`): white space separates
/// words and is dropped; every punctuation character is a word of its own.
///
/// "flag: cote d’ivoire" → ["flag", ":", "cote", "d", "’", "ivoire"]. Words are code-point arrays,
/// the unit WordPiece matches on.
enum BertPreTokenizer {
    static func words(_ normalizedText: String) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var word: [Unicode.Scalar] = []
        func endWord() {
            if !word.isEmpty { words.append(word) }
            word.removeAll(keepingCapacity: true)
        }
        for scalar in normalizedText.unicodeScalars {
            if BertCharacters.isWhitespace(scalar) {
                endWord()
            } else if BertCharacters.isPunctuation(scalar) {
                endWord()
                words.append([scalar])
            } else {
                word.append(scalar)
            }
        }
        endWord()
        return words
    }
}
