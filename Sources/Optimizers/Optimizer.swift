import NN
import TensorCore

/// A parameter with its dotted key, as `Module.namedParameters()` lists them.
public typealias NamedParameter = (key: String, parameter: Parameter)

/// Updates a fixed list of parameters in place from their gradients, one step at a time.
///
/// Gradients are passed in the order of the parameters the optimizer was built with. Everything an
/// optimizer carries from one step to the next is in `stateTensors()`, so that a run restored from
/// them continues bit-identically. Hyperparameters (learning rate, betas, …) are configuration and
/// are not part of the state.
public protocol Optimizer: AnyObject {
    /// The step size of the next update; a `LearningRateSchedule` sets it before each step.
    var learningRate: Float { get set }
    /// The number of updates applied so far.
    var stepCount: Int { get }
    /// Applies one update; `gradients[i]` has the shape of parameter i.
    func step(_ gradients: [Tensor])
    /// The state by name: per-parameter buffers as "<buffer>.<parameter key>", and "step".
    func stateTensors() -> [String: Tensor]
    /// Restores a state saved by `stateTensors()` of an optimizer over parameters of the same keys
    /// and shapes. Nothing changes when it throws.
    /// - Throws: `StateDictError` naming the first missing key or mismatched shape.
    func loadState(_ state: [String: Tensor]) throws
}

/// Checks that `gradients` align with `parameters`: the same count, and each the same shape.
func validate(_ gradients: [Tensor], against parameters: [NamedParameter], optimizer: String) {
    precondition(gradients.count == parameters.count,
                 "\(optimizer).step: \(gradients.count) gradients for \(parameters.count) parameters")
    for (gradient, (key, parameter)) in zip(gradients, parameters) {
        precondition(gradient.shape == parameter.wrappedValue.shape,
                     "\(optimizer).step: gradient of \(key) has shape \(gradient.shape), "
                     + "the parameter \(parameter.wrappedValue.shape)")
    }
}

/// The step counter as a rank-0 tensor (exact up to 2²⁴ steps).
func stepTensor(_ stepCount: Int) -> Tensor { Tensor(Float(stepCount)) }

/// The step counter saved under `key`, checked to be a non-negative whole number.
func savedStepCount(_ state: [String: Tensor], key: String = "step") throws -> Int {
    let value = try state.requiredTensor(key, shape: []).scalar
    guard let steps = Int(exactly: value), steps >= 0 else {
        throw StateDictError.invalidValue(key: key, reason: "\(value) is not a step count")
    }
    return steps
}

/// Runs `body` over `0..<count` cut into fixed ranges, in parallel when there are several.
/// Elementwise updates give the same result for any cut; only the speed depends on it.
func forEachRange(_ count: Int, _ body: (Range<Int>) -> Void) {
    let rangeLength = 1 << 16
    let rangeCount = (count + rangeLength - 1) / rangeLength
    parallelFor(rangeCount) { index in
        body(index * rangeLength ..< min(count, (index + 1) * rangeLength))
    }
}
