/// Why a chart could not be drawn.
public enum ChartError: Error, Equatable, CustomStringConvertible {
    /// The picture is smaller than the chart needs for its axes and labels.
    case tooSmall(width: Int, height: Int, minimumWidth: Int, minimumHeight: Int)
    /// A series has a different number of steps and values.
    case lengthMismatch(series: String, steps: Int, values: Int)
    /// The fixed y range is not finite and increasing, or not positive on a logarithmic axis.
    case invalidRange(lower: Double, upper: Double, reason: String)
    /// The smoothing weight is outside [0, 1).
    case invalidSmoothing(Double)

    public var description: String {
        switch self {
        case .tooSmall(let width, let height, let minimumWidth, let minimumHeight):
            "chart: \(width)×\(height) pixels is too small, at least \(minimumWidth)×\(minimumHeight) needed"
        case .lengthMismatch(let series, let steps, let values):
            "chart: series \"\(series)\" has \(steps) steps but \(values) values"
        case .invalidRange(let lower, let upper, let reason):
            "chart: y range \(lower)...\(upper) \(reason)"
        case .invalidSmoothing(let weight):
            "chart: smoothing \(weight) must be at least 0 and below 1"
        }
    }
}
