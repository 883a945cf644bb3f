/// Why a pretrained text encoder's files could not be used: the file, and what was wrong with it.
public struct TextEncoderError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public enum Problem: Equatable {
        /// The file could not be opened or read.
        case unreadable(reason: String)
        /// The configuration is not the JSON object expected; the reason names the key.
        case invalidConfiguration(String)
        /// The configuration asks for something this encoder does not do.
        case unsupportedSetting(key: String, value: String, expected: String)
        /// The vocabulary has another number of tokens than the configuration's `vocab_size`.
        case vocabularySizeMismatch(tokens: Int, configured: Int)
        /// The weights file lacks a tensor the encoder needs.
        case missingTensor(String)
        /// A tensor of the weights file has another shape than the configuration implies.
        case misshapenTensor(String, shape: [Int], expected: [Int])
    }

    public var description: String {
        let what: String = switch problem {
        case .unreadable(let reason): "cannot be read: \(reason)"
        case .invalidConfiguration(let reason): "is not a BERT configuration: it \(reason)"
        case .unsupportedSetting(let key, let value, let expected): "sets \(key) to \(value); expected \(expected)"
        case .vocabularySizeMismatch(let tokens, let configured):
            "holds \(tokens) tokens, but config.json's vocab_size is \(configured)"
        case .missingTensor(let key): "lacks tensor \(key)"
        case .misshapenTensor(let key, let shape, let expected):
            "has tensor \(key) of shape \(shape), but the configuration needs \(expected)"
        }
        return "text encoder file \(path) \(what)"
    }
}
