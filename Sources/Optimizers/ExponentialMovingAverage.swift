import NN
import TensorCore

/// Shadow copies of parameters that follow them as an exponential moving average, used in place of
/// the trained weights for sampling and evaluation (CompVis latent-diffusion `ldm/modules/ema.py`, LitEma).
///
/// Each `update()` moves every shadow s towards its parameter p: s ← s − (1 − d)(s − p). With warm-up
/// the decay of the n-th update (counting from 1) is d = min(decay, (1 + n)/(10 + n)), so early averages
/// are not dominated by the random initialisation.
public final class ExponentialMovingAverage {
    public let decay: Float
    public let warmup: Bool
    public let parameters: [NamedParameter]
    /// One shadow per parameter, shaped like it; starts as a copy of its value.
    private var shadows: [Tensor]
    /// The number of `update()` calls so far.
    public private(set) var updateCount = 0

    public init(parameters: [NamedParameter], decay: Float = 0.9999, warmup: Bool = true) {
        precondition((0...1).contains(decay), "ExponentialMovingAverage: decay \(decay) is outside [0, 1]")
        self.parameters = parameters
        self.decay = decay
        self.warmup = warmup
        shadows = parameters.map { $0.parameter.wrappedValue.copied() }
    }

    /// The decay the next `update()` will use.
    public var nextDecay: Float {
        guard warmup else { return decay }
        let n = Float(updateCount + 1)
        return min(decay, (1 + n) / (10 + n))
    }

    /// Moves every shadow one step towards its parameter's current value.
    public func update() {
        let rate = 1 - nextDecay
        updateCount += 1
        for index in parameters.indices {
            parameters[index].parameter.wrappedValue.withUnsafeScalars { value in
                shadows[index].withMutableScalars { shadow in
                    let p = value.baseAddress!, s = shadow.baseAddress!
                    forEachRange(shadow.count) { range in
                        for i in range { s[i] -= rate * (s[i] - p[i]) }
                    }
                }
            }
        }
    }

    /// Overwrites the parameters with the averages (LitEma's `copy_to`), in place.
    public func copyToModel() {
        for (index, (_, parameter)) in parameters.enumerated() { overwrite(parameter, with: shadows[index]) }
    }

    /// Runs `body` with the averages in the parameters, then puts the trained values back, also when
    /// `body` throws (LitEma's `store`, `copy_to`, `restore`).
    public func withAveragedWeights<R>(_ body: () throws -> R) rethrows -> R {
        let trained = parameters.map { $0.parameter.wrappedValue.copied() }
        copyToModel()
        defer {
            for (index, (_, parameter)) in parameters.enumerated() { overwrite(parameter, with: trained[index]) }
        }
        return try body()
    }

    /// The shadows as "shadow.<key>", and "num_updates".
    public func stateTensors() -> [String: Tensor] {
        var state = ["num_updates": stepTensor(updateCount)]
        for (index, (key, _)) in parameters.enumerated() { state["shadow.\(key)"] = shadows[index] }
        return state
    }

    /// Restores a state saved by `stateTensors()`. Nothing changes when it throws.
    /// - Throws: `StateDictError` naming the first missing key or mismatched shape.
    public func loadState(_ state: [String: Tensor]) throws {
        let count = try savedStepCount(state, key: "num_updates")
        let loaded = try parameters.map { key, parameter in
            try state.requiredTensor("shadow.\(key)", shape: parameter.wrappedValue.shape).detached()
        }
        (updateCount, shadows) = (count, loaded)
    }

    /// Copies `source`'s elements into `parameter`, keeping its graph identity.
    private func overwrite(_ parameter: Parameter, with source: Tensor) {
        source.withUnsafeScalars { source in
            parameter.update { destination in destination.baseAddress!.update(from: source.baseAddress!, count: source.count) }
        }
    }
}
