import TensorCore

/// Token ids of several texts padded to one length, and which of them are real.
///
/// Row i is text i: [CLS], its pieces, [SEP], then [PAD] up to `length`. The mask [count, length]
/// is 1 at real tokens (including [CLS] and [SEP]) and 0 at padding, the form
/// `scaledDotProductAttention` takes (reshaped to [count, 1, 1, length]) and mean pooling uses.
public struct TokenBatch: Sendable {
    /// [count · length] ids, row-major.
    public let ids: [Int]
    /// The number of real tokens of each row.
    public let tokenCounts: [Int]
    /// Tokens per row, padding included.
    public let length: Int

    /// Rows of ids, each at most `length` long, padded with `paddingID`.
    public init(rows: [[Int]], length: Int, paddingID: Int) {
        precondition(rows.allSatisfy { $0.count <= length },
                     "TokenBatch: a row of \(rows.map(\.count).max() ?? 0) ids does not fit length \(length)")
        ids = rows.flatMap { $0 + Array(repeating: paddingID, count: length - $0.count) }
        tokenCounts = rows.map(\.count)
        self.length = length
    }

    /// The number of texts.
    public var count: Int { tokenCounts.count }

    /// The ids of row `index`, padding included.
    public func row(_ index: Int) -> ArraySlice<Int> { ids[(index * length)..<((index + 1) * length)] }

    /// [count, length]: 1 at real tokens, 0 at padding.
    public var mask: Tensor {
        Tensor(shape: [count, length]) { mask in
            for (row, tokens) in tokenCounts.enumerated() {
                for column in 0..<length { mask[row * length + column] = column < tokens ? 1 : 0 }
            }
        }
    }
}
