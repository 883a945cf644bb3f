/// What each sample of a batch is conditioned on: class labels, or captions.
public enum Conditions: Equatable, Sendable {
    case labels([Int])
    case captions([String])

    /// The number of samples.
    public var count: Int {
        switch self {
        case .labels(let labels): labels.count
        case .captions(let captions): captions.count
        }
    }

    /// The conditions of the samples in `range`.
    public func slice(_ range: Range<Int>) -> Conditions {
        switch self {
        case .labels(let labels): .labels(Array(labels[range]))
        case .captions(let captions): .captions(Array(captions[range]))
        }
    }

    /// These conditions followed by `other`'s, of the same kind.
    func appending(_ other: Conditions) -> Conditions {
        switch (self, other) {
        case let (.labels(a), .labels(b)): return .labels(a + b)
        case let (.captions(a), .captions(b)): return .captions(a + b)
        default: preconditionFailure("Conditions: cannot append \(other) to \(self)")
        }
    }
}
