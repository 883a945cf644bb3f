import Foundation
import Text
import WeightIO

/// The tokenizer of all-MiniLM-L6-v2's `vocab.txt` in the weights cache, read once per test run.
func miniLMTokenizer() throws -> BertTokenizer {
    if let cached = LoadedOnce.tokenizer { return cached }
    let tokenizer = try BertTokenizer(vocabularyFile: PretrainedWeights.miniLM().appendingPathComponent("vocab.txt"))
    LoadedOnce.tokenizer = tokenizer
    return tokenizer
}

/// all-MiniLM-L6-v2 from the weights cache, read once per test run.
func miniLM() throws -> MiniLMTextEncoder {
    if let cached = LoadedOnce.encoder { return cached }
    let encoder = try MiniLMTextEncoder.fromWeightsCache()
    LoadedOnce.encoder = encoder
    return encoder
}

private enum LoadedOnce {
    nonisolated(unsafe) static var tokenizer: BertTokenizer?
    nonisolated(unsafe) static var encoder: MiniLMTextEncoder?
}

/// A fresh folder under the temporary directory, removed with the object.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("TextTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` as UTF-8 to `name` in the folder.
    @discardableResult
    func write(_ text: String, to name: String) throws -> URL {
        try write(Data(text.utf8), to: name)
    }

    @discardableResult
    func write(_ bytes: Data, to name: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try bytes.write(to: file)
        return file
    }
}

/// A vocabulary file's text: the special tokens first, then `tokens`, one a line.
func vocabularyText(_ tokens: [String]) -> String {
    (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tokens).joined(separator: "\n") + "\n"
}
