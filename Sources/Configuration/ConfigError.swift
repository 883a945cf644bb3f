/// What is wrong with a configuration, naming the key, the file (and line) and what was expected.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    case unreadableFile(path: String, message: String)
    case invalidYAML(file: String, message: String)
    case unknownKey(key: String, source: String, suggestion: String?)
    case typeMismatch(key: String, expected: String, found: String, source: String)
    case invalidValue(key: String, message: String, source: String)
    case invalidOverride(String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, message):
            return "cannot read config file \(path): \(message)"
        case let .invalidYAML(file, message):
            return "\(file): invalid YAML: \(message)"
        case let .unknownKey(key, source, suggestion):
            let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
            return "\(source): unknown config key '\(key)'\(hint)"
        case let .typeMismatch(key, expected, found, source):
            return "\(source): config key '\(key)' expects \(expected), found \(found)"
        case let .invalidValue(key, message, source):
            return "\(source): config key '\(key)': \(message)"
        case let .invalidOverride(text, reason):
            return "--set \(text): \(reason)"
        }
    }
}
