/// A diffusion setting that cannot work, naming the setting (as spelled in the run configs), its value
/// and what was expected.
public struct DiffusionError: Error, Equatable, CustomStringConvertible {
    /// The setting's key, e.g. `linear_start`, `steps` or `eta`.
    public let key: String
    public let value: String
    public let expected: String

    public init(key: String, value: String, expected: String) {
        self.key = key
        self.value = value
        self.expected = expected
    }

    public var description: String { "diffusion setting '\(key)' is \(value): expected \(expected)" }
}
