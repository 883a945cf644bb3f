import Foundation

/// A mark on an axis: where it is (a data value) and what it reads.
struct AxisTick: Equatable {
    let value: Double
    let label: String
}

/// Maps data values on one axis to fractions 0…1 of the axis length, linearly or by log10, and
/// chooses "nice" tick values and labels for it.
struct AxisScale {
    let lower: Double
    let upper: Double
    let isLogarithmic: Bool

    /// An axis from `lower` to `upper` (lower < upper; both positive when logarithmic).
    init(lower: Double, upper: Double, logarithmic: Bool) {
        precondition(lower < upper && (!logarithmic || lower > 0), "AxisScale: bad range \(lower)...\(upper)")
        self.lower = lower
        self.upper = upper
        isLogarithmic = logarithmic
    }

    /// How far along the axis `value` lies: 0 at `lower`, 1 at `upper`, beyond for values outside.
    func fraction(of value: Double) -> Double {
        isLogarithmic ? (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
            : (value - lower) / (upper - lower)
    }

    /// About `count` (at least 2) ticks inside the range: multiples of 1, 2 or 5 × 10ᵏ on a linear
    /// axis; on a logarithmic one, powers of ten when the range holds three or more, else 1, 2, 5 × 10ᵏ,
    /// else 1…9 × 10ᵏ, else linear ticks.
    func ticks(count: Int) -> [AxisTick] {
        guard isLogarithmic else { return linearTicks(count: count) }
        for multipliers: [Double] in [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
            var values: [Double] = []
            for exponent in Int(floor(log10(lower)))...Int(floor(log10(upper))) {
                for multiplier in multipliers {
                    let value = multiplier * pow(10, Double(exponent))
                    if value >= lower * (1 - 1e-9) && value <= upper * (1 + 1e-9) { values.append(value) }
                }
            }
            guard values.count >= 3 else { continue }
            let stride = max(1, (values.count + count - 1) / count)
            return Swift.stride(from: 0, to: values.count, by: stride).map { index in
                AxisTick(value: values[index], label: logarithmicTickLabel(values[index]))
            }
        }
        return linearTicks(count: count)
    }

    /// Multiples of a 1-2-5 step near (upper − lower) / count, labelled with the decimals the step needs.
    private func linearTicks(count: Int) -> [AxisTick] {
        let step = niceStep((upper - lower) / Double(max(2, count)))
        let firstIndex = Int(ceil(lower / step - 1e-9)), lastIndex = Int(floor(upper / step + 1e-9))
        guard firstIndex <= lastIndex else { return [] }
        return (firstIndex...lastIndex).map { index in
            let value = Double(index) * step
            return AxisTick(value: value, label: tickLabel(value, step: step))
        }
    }
}

/// The smallest 1, 2 or 5 × 10ᵏ at least `rough`.
func niceStep(_ rough: Double) -> Double {
    let magnitude = pow(10, floor(log10(rough)))
    for factor in [1.0, 2, 5, 10] where factor * magnitude >= rough * (1 - 1e-9) {
        return factor * magnitude
    }
    return 10 * magnitude
}

/// A tick value with just the decimals its step needs ("0.25" for step 0.05, "1500" for step 500);
/// very large or small values in compact scientific form ("2e5", "1.5e-5").
func tickLabel(_ value: Double, step: Double) -> String {
    if abs(value) < step * 1e-6 { return "0" }
    let stepExponent = Int(floor(log10(step) + 1e-9))
    if abs(value) >= 1e5 || stepExponent < -4 {
        let exponent = Int(floor(log10(abs(value)) + 1e-9))
        let decimals = max(0, exponent - stepExponent)
        var mantissa = String(format: "%.\(decimals)f", value / pow(10, Double(exponent)))
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        return "\(mantissa)e\(exponent)"
    }
    return String(format: "%.\(max(0, -stepExponent))f", value)
}

/// A tick value m × 10ᵏ of a logarithmic axis, plain from 0.0001 to 99999 ("0.02", "500"), else
/// compact scientific ("2e-5", "1e6").
func logarithmicTickLabel(_ value: Double) -> String {
    let exponent = Int(floor(log10(value) + 1e-9))
    if exponent < -4 || exponent > 4 {
        return String(format: "%.0fe%d", value / pow(10, Double(exponent)), exponent)
    }
    return String(format: "%.\(max(0, -exponent))f", value)
}
