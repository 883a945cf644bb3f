import Foundation

/// The mean SSIM of two grey images on [0, 1] (Wang et al. 2004, eq. 13), computed exactly as
/// scikit-image's `structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
/// data_range=1)`.
///
/// The local means, variances and covariance are weighted by an 11×11 Gaussian window (σ 1.5, the
/// separable kernel exp(−k²/2σ²) for k in −5…5, normalised to sum 1; scipy's `gaussian_filter` with
/// truncate 3.5). scikit-image filters the whole image with reflected borders and then averages the
/// SSIM map only over pixels at least 5 from every edge; those pixels' windows lie inside the image,
/// so this computes only them ("valid" filtering): an H×W image yields (H − 10) × (W − 10) values.
/// Everything is in Double, with population (not sample) covariances.
final class StructuralSimilarity {
    static let radius = 5
    static let window = 2 * radius + 1
    static let sigma = 1.5
    /// C1 = (K1·L)², C2 = (K2·L)² with K1 0.01, K2 0.03 and data range L 1.
    static let c1 = 0.01 * 0.01
    static let c2 = 0.03 * 0.03

    /// The 11 normalised Gaussian weights.
    static let weights: [Double] = {
        let raw = (-radius...radius).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }()

    let height: Int
    let width: Int
    private var validHeight: Int { height - 2 * Self.radius }
    private var validWidth: Int { width - 2 * Self.radius }
    /// Five horizontally filtered maps (x, y, x², y², xy), each height × validWidth, then five rows
    /// of fully filtered values, each validWidth.
    private let workspace: UnsafeMutablePointer<Double>

    /// A calculator for images of `height` × `width`, both at least `window`.
    init(height: Int, width: Int) {
        precondition(height >= Self.window && width >= Self.window,
                     "StructuralSimilarity: \(height)×\(width) is smaller than the \(Self.window)-pixel window")
        self.height = height
        self.width = width
        let validWidth = width - 2 * Self.radius
        workspace = .allocate(capacity: 5 * height * validWidth + 5 * validWidth)
    }

    deinit { workspace.deallocate() }

    /// The mean of the SSIM map of `x` and `y`, each `height` × `width` row-major values on [0, 1].
    func mean(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        let maps = workspace
        let rows = workspace + 5 * height * validWidth
        return Self.weights.withUnsafeBufferPointer { weights in
            filterRows(x, y, weights: weights.baseAddress!, into: maps)
            var total = 0.0
            for outputRow in 0..<validHeight {
                filterColumns(maps, firstRow: outputRow, weights: weights.baseAddress!, into: rows)
                total += ssimSum(rows)
            }
            return total / Double(validHeight * validWidth)
        }
    }

    /// Filters every row of x, y, x², y² and xy with the window, keeping the valid columns.
    private func filterRows(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>,
                            weights: UnsafePointer<Double>, into maps: UnsafeMutablePointer<Double>) {
        let validWidth = validWidth
        let mapSize = height * validWidth
        maps.update(repeating: 0, count: 5 * mapSize)
        for row in 0..<height {
            let xRow = x + row * width, yRow = y + row * width
            let out = maps + row * validWidth
            for tap in 0..<Self.window {
                let weight = weights[tap]
                for column in 0..<validWidth {
                    let a = xRow[column + tap], b = yRow[column + tap]
                    out[column] += weight * a
                    out[mapSize + column] += weight * b
                    out[2 * mapSize + column] += weight * a * a
                    out[3 * mapSize + column] += weight * b * b
                    out[4 * mapSize + column] += weight * a * b
                }
            }
        }
    }

    /// Filters the five maps down the columns for one output row (rows firstRow…firstRow + 10).
    private func filterColumns(_ maps: UnsafePointer<Double>, firstRow: Int, weights: UnsafePointer<Double>,
                               into rows: UnsafeMutablePointer<Double>) {
        let validWidth = validWidth
        let mapSize = height * validWidth
        rows.update(repeating: 0, count: 5 * validWidth)
        for map in 0..<5 {
            let out = rows + map * validWidth
            for tap in 0..<Self.window {
                let weight = weights[tap]
                let source = maps + map * mapSize + (firstRow + tap) * validWidth
                for column in 0..<validWidth { out[column] += weight * source[column] }
            }
        }
    }

    /// The sum of the SSIM values of one row from its local moments E[x], E[y], E[x²], E[y²], E[xy].
    private func ssimSum(_ rows: UnsafePointer<Double>) -> Double {
        let validWidth = validWidth
        var sum = 0.0
        for column in 0..<validWidth {
            let meanX = rows[column], meanY = rows[validWidth + column]
            let varianceX = rows[2 * validWidth + column] - meanX * meanX
            let varianceY = rows[3 * validWidth + column] - meanY * meanY
            let covariance = rows[4 * validWidth + column] - meanX * meanY
            let numerator = (2 * meanX * meanY + Self.c1) * (2 * covariance + Self.c2)
            let denominator = (meanX * meanX + meanY * meanY + Self.c1) * (varianceX + varianceY + Self.c2)
            sum += numerator / denominator
        }
        return sum
    }
}
