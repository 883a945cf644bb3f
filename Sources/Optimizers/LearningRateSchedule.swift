import Foundation

/// The learning rate as a function of the step number (counted from 0), set on an optimizer before
/// each step: `optimizer.learningRate = schedule.learningRate(atStep: step)`.
///
/// Warm-ups rise linearly from 0 at step 0 to `peak` at step `warmupSteps` (as CompVis'
/// `LambdaWarmUpCosineScheduler` and Hugging Face's `get_*_schedule_with_warmup` do); decays then run
/// from `peak` at the end of the warm-up to `minimum` at `totalSteps` and stay there.
public enum LearningRateSchedule: Equatable, Sendable {
    case constant(Float)
    /// Linear warm-up, then constant at `peak`.
    case linearWarmup(peak: Float, warmupSteps: Int)
    /// Linear warm-up, then half a cosine period from `peak` down to `minimum`
    /// (SGDR, Loshchilov & Hutter 2017, without restarts).
    case cosineDecay(peak: Float, minimum: Float, warmupSteps: Int, totalSteps: Int)
    /// Linear warm-up, then a straight line from `peak` down to `minimum`.
    case linearDecay(peak: Float, minimum: Float, warmupSteps: Int, totalSteps: Int)

    public func learningRate(atStep step: Int) -> Float {
        precondition(step >= 0, "LearningRateSchedule: negative step \(step)")
        switch self {
        case .constant(let rate):
            return rate
        case .linearWarmup(let peak, let warmupSteps):
            return Self.warmedUp(peak, step: step, warmupSteps: warmupSteps) ?? peak
        case .cosineDecay(let peak, let minimum, let warmupSteps, let totalSteps):
            if let rate = Self.warmedUp(peak, step: step, warmupSteps: warmupSteps) { return rate }
            let t = Self.decayProgress(step: step, warmupSteps: warmupSteps, totalSteps: totalSteps)
            return minimum + (peak - minimum) * Float(0.5 * (1 + cos(Double.pi * t)))
        case .linearDecay(let peak, let minimum, let warmupSteps, let totalSteps):
            if let rate = Self.warmedUp(peak, step: step, warmupSteps: warmupSteps) { return rate }
            let t = Self.decayProgress(step: step, warmupSteps: warmupSteps, totalSteps: totalSteps)
            return peak + (minimum - peak) * Float(t)
        }
    }

    /// peak · step / warmupSteps during the warm-up, nil after it.
    private static func warmedUp(_ peak: Float, step: Int, warmupSteps: Int) -> Float? {
        step < warmupSteps ? peak * Float(Double(step) / Double(warmupSteps)) : nil
    }

    /// How far the decay has run, from 0 at the end of the warm-up to 1 at `totalSteps` and after.
    private static func decayProgress(step: Int, warmupSteps: Int, totalSteps: Int) -> Double {
        precondition(totalSteps > warmupSteps,
                     "LearningRateSchedule: totalSteps \(totalSteps) must exceed warmupSteps \(warmupSteps)")
        return min(1, Double(step - warmupSteps) / Double(totalSteps - warmupSteps))
    }
}
