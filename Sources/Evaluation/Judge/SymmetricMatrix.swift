import Foundation

/// A real symmetric n × n matrix in Double, row-major, with the few operations the Fréchet distance
/// needs: products, the trace, and an eigen-decomposition by the cyclic Jacobi method.
struct SymmetricMatrix: Equatable {
    let dimension: Int
    /// n² entries, row-major; entry (i, j) equals entry (j, i).
    var entries: [Double]

    init(dimension: Int, entries: [Double]) {
        precondition(entries.count == dimension * dimension,
                     "SymmetricMatrix: \(entries.count) entries for dimension \(dimension)")
        self.dimension = dimension
        self.entries = entries
    }

    subscript(row: Int, column: Int) -> Double {
        get { entries[row * dimension + column] }
        set { entries[row * dimension + column] = newValue }
    }

    var trace: Double { (0..<dimension).reduce(0) { $0 + self[$1, $1] } }

    static func + (a: SymmetricMatrix, b: SymmetricMatrix) -> SymmetricMatrix {
        SymmetricMatrix(dimension: a.dimension, entries: zip(a.entries, b.entries).map { $0 + $1 })
    }

    /// a · b · a, which is symmetric when a and b are; symmetrised to remove rounding asymmetry.
    static func sandwich(_ a: SymmetricMatrix, _ b: SymmetricMatrix) -> SymmetricMatrix {
        let product = multiply(multiply(a.entries, b.entries, a.dimension), a.entries, a.dimension)
        var result = SymmetricMatrix(dimension: a.dimension, entries: product)
        result.symmetrise()
        return result
    }

    /// Replaces each off-diagonal pair by its mean.
    mutating func symmetrise() {
        for i in 0..<dimension {
            for j in (i + 1)..<dimension {
                let mean = (self[i, j] + self[j, i]) / 2
                self[i, j] = mean
                self[j, i] = mean
            }
        }
    }

    /// The principal square root V·diag(√max(λ, 0))·Vᵀ of a positive semi-definite matrix; eigenvalues
    /// that rounding made slightly negative count as 0.
    func squareRoot() -> SymmetricMatrix {
        let (values, vectors) = eigendecomposition()
        let n = dimension
        var scaled = vectors  // column k times √λk
        for k in 0..<n {
            let root = Foundation.sqrt(Swift.max(values[k], 0))
            for i in 0..<n { scaled[i * n + k] *= root }
        }
        var result = [Double](repeating: 0, count: n * n)
        scaled.withUnsafeBufferPointer { s in
            vectors.withUnsafeBufferPointer { v in
                result.withUnsafeMutableBufferPointer { r in
                    for i in 0..<n {
                        for j in i..<n {
                            var sum = 0.0
                            for k in 0..<n { sum += s[i * n + k] * v[j * n + k] }
                            r[i * n + j] = sum
                            r[j * n + i] = sum
                        }
                    }
                }
            }
        }
        return SymmetricMatrix(dimension: n, entries: result)
    }

    /// Eigenvalues and eigenvectors (the columns of a row-major n × n orthogonal matrix), by cyclic
    /// Jacobi rotations (Golub & Van Loan, Matrix Computations, §8.5): each rotation zeroes one
    /// off-diagonal pair; sweeps repeat until the off-diagonal mass is negligible beside the diagonal.
    func eigendecomposition(maxSweeps: Int = 60) -> (values: [Double], vectors: [Double]) {
        let n = dimension
        var a = entries
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let scale = Swift.max(entries.reduce(0) { $0 + $1 * $1 }, .leastNormalMagnitude)
        for _ in 0..<maxSweeps {
            let offDiagonal = a.withUnsafeBufferPointer { a in
                (0..<n).reduce(0.0) { total, i in ((i + 1)..<n).reduce(total) { $0 + a[i * n + $1] * a[i * n + $1] } }
            }
            if offDiagonal <= 1e-24 * scale { break }  // off-diagonal norm below 1e-12 of the whole
            for p in 0..<n {
                for q in (p + 1)..<n where a[p * n + q] != 0 {
                    rotate(&a, &v, n: n, p: p, q: q)
                }
            }
        }
        return ((0..<n).map { a[$0 * n + $0] }, v)
    }

    /// The product of two row-major n × n matrices.
    private static func multiply(_ x: [Double], _ y: [Double], _ n: Int) -> [Double] {
        var result = [Double](repeating: 0, count: n * n)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                result.withUnsafeMutableBufferPointer { r in
                    for i in 0..<n {
                        for k in 0..<n {
                            let xik = x[i * n + k]
                            if xik == 0 { continue }
                            for j in 0..<n { r[i * n + j] += xik * y[k * n + j] }
                        }
                    }
                }
            }
        }
        return result
    }
}

/// One Jacobi rotation J(p, q, θ) chosen so that (JᵀAJ)[p, q] = 0: A ← JᵀAJ and V ← VJ.
///
/// θ from tan θ = t, the smaller root of t² + 2τt − 1 = 0 with τ = (A[q,q] − A[p,p]) / (2A[p,q]),
/// which keeps the rotation angle at most π/4 and the iteration stable.
private func rotate(_ a: inout [Double], _ v: inout [Double], n: Int, p: Int, q: Int) {
    let apq = a[p * n + q]
    let tau = (a[q * n + q] - a[p * n + p]) / (2 * apq)
    let t = (tau >= 0 ? 1.0 : -1.0) / (abs(tau) + (1 + tau * tau).squareRoot())
    let c = 1 / (1 + t * t).squareRoot(), s = t * c
    a.withUnsafeMutableBufferPointer { a in
        for k in 0..<n {  // columns p and q: A ← A·J
            let akp = a[k * n + p], akq = a[k * n + q]
            a[k * n + p] = c * akp - s * akq
            a[k * n + q] = s * akp + c * akq
        }
        for k in 0..<n {  // rows p and q: A ← Jᵀ·A
            let apk = a[p * n + k], aqk = a[q * n + k]
            a[p * n + k] = c * apk - s * aqk
            a[q * n + k] = s * apk + c * aqk
        }
        a[p * n + q] = 0
        a[q * n + p] = 0
    }
    v.withUnsafeMutableBufferPointer { v in
        for k in 0..<n {
            let vkp = v[k * n + p], vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
        }
    }
}
