import Foundation
import TensorCore

/// The mean and covariance of a set of feature vectors: the Gaussian the Fréchet distance compares.
public struct FeatureStatistics: Equatable, Sendable {
    /// [D].
    public let mean: [Double]
    /// [D × D], row-major, unbiased (divided by N − 1, as `numpy.cov`).
    public let covariance: [Double]
    /// How many vectors they summarise.
    public let count: Int

    public var dimension: Int { mean.count }

    /// The statistics of the rows of `features` [N, D] (N ≥ 2), accumulated in Double.
    /// - Throws: `FrechetDistanceError` when there are fewer than 2 rows or a value is not finite.
    public init(features: Tensor, name: String = "features") throws {
        guard features.rank == 2 else { throw FrechetDistanceError.notAMatrix(set: name, shape: features.shape) }
        let (rows, columns) = (features.shape[0], features.shape[1])
        let values = features.withUnsafeScalars { $0.map(Double.init) }
        try self.init(rows: rows, columns: columns, values: values, name: name)
    }

    /// The statistics of `vectors` (N ≥ 2 vectors of one length D ≥ 1).
    public init(vectors: [[Double]], name: String = "features") throws {
        let columns = vectors.first?.count ?? 0
        if let bad = vectors.firstIndex(where: { $0.count != columns }) {
            throw FrechetDistanceError.raggedRows(set: name, row: bad, length: vectors[bad].count, expected: columns)
        }
        try self.init(rows: vectors.count, columns: columns, values: vectors.flatMap { $0 }, name: name)
    }

    private init(rows: Int, columns: Int, values: [Double], name: String) throws {
        guard rows >= 2, columns >= 1 else {
            throw FrechetDistanceError.tooFewVectors(set: name, count: rows, dimension: columns)
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw FrechetDistanceError.nonFinite(set: name, row: bad / columns, column: bad % columns)
        }
        var mean = [Double](repeating: 0, count: columns)
        for row in 0..<rows { for j in 0..<columns { mean[j] += values[row * columns + j] } }
        for j in 0..<columns { mean[j] /= Double(rows) }
        self.mean = mean
        self.covariance = Self.covariance(values, rows: rows, columns: columns, mean: mean)
        self.count = rows
    }

    /// Σ (x − μ)(x − μ)ᵀ / (N − 1), the upper triangle computed and mirrored, row blocks in parallel.
    private static func covariance(_ values: [Double], rows: Int, columns: Int, mean: [Double]) -> [Double] {
        let centred = (0..<rows * columns).map { values[$0] - mean[$0 % columns] }
        let d = columns
        var result = [Double](repeating: 0, count: d * d)
        let rowChunks = Swift.min(d, 16)
        centred.withUnsafeBufferPointer { x in
            result.withUnsafeMutableBufferPointer { out in
                let out = out.baseAddress!
                parallelFor(rowChunks) { chunk in
                    for i in stride(from: chunk, to: d, by: rowChunks) {
                        for n in 0..<rows {
                            let xi = x[n * d + i]
                            for j in i..<d { out[i * d + j] += xi * x[n * d + j] }
                        }
                    }
                }
            }
        }
        for i in 0..<d {
            for j in i..<d {
                result[i * d + j] /= Double(rows - 1)
                result[j * d + i] = result[i * d + j]
            }
        }
        return result
    }
}

/// The Fréchet distance between Gaussians fitted to two sets of feature vectors (Dowson & Landau 1982;
/// as FID, Heusel et al. 2017, computes it on Inception features):
/// d² = |μa − μb|² + tr(Σa + Σb − 2·(Σa^½ Σb Σa^½)^½).
///
/// The matrix square roots come from symmetric eigen-decompositions (cyclic Jacobi), with eigenvalues
/// that rounding made slightly negative clamped to 0; the result is clamped at 0 for the same reason.
/// - Throws: `FrechetDistanceError` when the dimensions differ.
public func frechetDistance(_ a: FeatureStatistics, _ b: FeatureStatistics) throws -> Double {
    guard a.dimension == b.dimension else {
        throw FrechetDistanceError.dimensionMismatch(a.dimension, b.dimension)
    }
    let n = a.dimension
    let meanTerm = zip(a.mean, b.mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    let covarianceA = SymmetricMatrix(dimension: n, entries: a.covariance)
    let covarianceB = SymmetricMatrix(dimension: n, entries: b.covariance)
    let inner = SymmetricMatrix.sandwich(covarianceA.squareRoot(), covarianceB)
    let traceOfRoot = inner.eigendecomposition().values.reduce(0) { $0 + Foundation.sqrt(Swift.max($1, 0)) }
    return Swift.max(meanTerm + (covarianceA + covarianceB).trace - 2 * traceOfRoot, 0)
}

/// The Fréchet distance between the rows of `a` [Na, D] and of `b` [Nb, D].
public func frechetDistance(_ a: Tensor, _ b: Tensor) throws -> Double {
    try frechetDistance(FeatureStatistics(features: a, name: "first set"), FeatureStatistics(features: b, name: "second set"))
}

/// The Fréchet distance between two sets of feature vectors of one length.
public func frechetDistance(_ a: [[Double]], _ b: [[Double]]) throws -> Double {
    try frechetDistance(FeatureStatistics(vectors: a, name: "first set"), FeatureStatistics(vectors: b, name: "second set"))
}

/// Why a Fréchet distance cannot be computed.
public enum FrechetDistanceError: Error, Equatable, CustomStringConvertible {
    case notAMatrix(set: String, shape: [Int])
    case raggedRows(set: String, row: Int, length: Int, expected: Int)
    case tooFewVectors(set: String, count: Int, dimension: Int)
    case nonFinite(set: String, row: Int, column: Int)
    case dimensionMismatch(Int, Int)

    public var description: String {
        switch self {
        case let .notAMatrix(set, shape): "Fréchet distance: \(set) has shape \(shape), expected [count, dimension]"
        case let .raggedRows(set, row, length, expected):
            "Fréchet distance: \(set): vector \(row) has \(length) values, expected \(expected) like the first"
        case let .tooFewVectors(set, count, dimension):
            "Fréchet distance: \(set) has \(count) vectors of dimension \(dimension); a covariance needs at least 2 of dimension ≥ 1"
        case let .nonFinite(set, row, column): "Fréchet distance: \(set): value [\(row), \(column)] is not finite"
        case let .dimensionMismatch(a, b): "Fréchet distance: the sets' features have dimensions \(a) and \(b), expected equal"
        }
    }
}
