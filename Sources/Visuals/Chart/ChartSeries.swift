/// One named line of a chart: values at steps (x), e.g. a training loss logged every few steps.
public struct ChartSeries: Equatable, Sendable {
    public var name: String
    public var steps: [Double]
    public var values: [Double]

    /// A series of `values` at `steps`; the two must have the same length (checked when drawn).
    public init(name: String, steps: [Double], values: [Double]) {
        self.name = name
        self.steps = steps
        self.values = values
    }

    /// A series of `values` at steps 0, 1, 2, … (empty by default, to `append` to).
    public init(name: String, values: [Double] = []) {
        self.init(name: name, steps: values.indices.map(Double.init), values: values)
    }

    /// Adds one point at the end.
    public mutating func append(step: Double, value: Double) {
        steps.append(step)
        values.append(value)
    }

    /// This series with its values replaced by their exponential moving average (see below); NaN and
    /// ±∞ values stay as they are and leave the average unchanged.
    public func smoothed(weight: Double) -> ChartSeries {
        let average = smoothed(weight: weight, isDrawable: \.isFinite)
        return ChartSeries(name: name, steps: steps,
                           values: zip(values, average).map { value, smooth in value.isFinite ? smooth : value })
    }

    /// The values smoothed by an exponential moving average, s = weight·s + (1 − weight)·v, started
    /// at the first value. Points that `isDrawable` rejects keep NaN and leave the average unchanged.
    func smoothed(weight: Double, isDrawable: (Double) -> Bool) -> [Double] {
        var average: Double?
        return values.map { value in
            guard isDrawable(value) else { return .nan }
            let next = average.map { weight * $0 + (1 - weight) * value } ?? value
            average = next
            return next
        }
    }
}
