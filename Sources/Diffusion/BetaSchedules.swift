import Foundation

/// The offset s of the cosine schedule (Nichol & Dhariwal 2021), which keeps β_0 from being tiny.
private let cosineOffset = 0.008
/// The cosine schedule's cap on β_t, which keeps the last steps from destroying all signal at once.
private let cosineMaximumBeta = 0.999

/// β_t for t in 0..<T as CompVis `make_beta_schedule` computes them (in Double), after checking the
/// settings the kind uses.
func makeBetas(_ config: NoiseScheduleConfig) throws -> [Double] {
    let count = config.timesteps
    guard count >= 1 else {
        throw DiffusionError(key: "timesteps", value: "\(count)", expected: "at least 1")
    }
    switch config.kind {
    case .linear:
        try checkLinearEnds(config)
        return linearlySpaced(from: config.linearStart.squareRoot(), to: config.linearEnd.squareRoot(), count: count)
            .map { $0 * $0 }
    case .sqrtLinear:
        try checkLinearEnds(config)
        return linearlySpaced(from: config.linearStart, to: config.linearEnd, count: count)
    case .cosine:
        return cosineBetas(count: count)
    }
}

/// The linear kinds need 0 < linear_start ≤ linear_end < 1.
private func checkLinearEnds(_ config: NoiseScheduleConfig) throws {
    guard config.linearStart > 0 && config.linearStart < 1 else {
        throw DiffusionError(key: "linear_start", value: "\(config.linearStart)", expected: "a number in (0, 1)")
    }
    guard config.linearEnd >= config.linearStart && config.linearEnd < 1 else {
        throw DiffusionError(key: "linear_end", value: "\(config.linearEnd)",
                             expected: "a number in [linear_start, 1) = [\(config.linearStart), 1)")
    }
}

/// `count` evenly spaced values from `start` to `end` inclusive (`torch.linspace`); [start] for one.
private func linearlySpaced(from start: Double, to end: Double, count: Int) -> [Double] {
    guard count > 1 else { return [start] }
    let step = (end - start) / Double(count - 1)
    return (0..<count).map { start + Double($0) * step }
}

/// β_t = 1 − f(t + 1)/f(t) with f(t) = cos²((t/T + s)/(1 + s)·π/2), clipped to [0, 0.999]
/// (Nichol & Dhariwal 2021, eq. 17; CompVis's `cosine`).
private func cosineBetas(count: Int) -> [Double] {
    func f(_ t: Int) -> Double {
        let angle = (Double(t) / Double(count) + cosineOffset) / (1 + cosineOffset) * Double.pi / 2
        return cos(angle) * cos(angle)
    }
    return (0..<count).map { t in min(max(1 - f(t + 1) / f(t), 0), cosineMaximumBeta) }
}
