import NN
import TensorCore

/// The running moment estimates of Adam and AdamW, and their step count; `AdamStep` updates them
/// (Kingma & Ba 2015, Algorithm 1; torch.optim.Adam/AdamW, single-tensor path).
struct AdamMoments {
    let parameters: [NamedParameter]
    /// m and v of each parameter, shaped like it, zero before the first step.
    private(set) var firstMoments: [Tensor]
    private(set) var secondMoments: [Tensor]
    private(set) var stepCount = 0

    init(parameters: [NamedParameter]) {
        self.parameters = parameters
        firstMoments = parameters.map { Tensor.zeros($0.parameter.wrappedValue.shape) }
        secondMoments = firstMoments.map { Tensor.zeros($0.shape) }
    }

    /// Applies one update to every parameter.
    mutating func step(_ gradients: [Tensor], learningRate: Float, betas: (Float, Float), epsilon: Float,
                       weightDecay: AdamStep.WeightDecay, optimizer: String) {
        validate(gradients, against: parameters, optimizer: optimizer)
        stepCount += 1
        let update = AdamStep(step: stepCount, learningRate: learningRate, betas: betas, epsilon: epsilon,
                              weightDecay: weightDecay)
        for index in parameters.indices {
            gradients[index].withUnsafeScalars { gradient in
                firstMoments[index].withMutableScalars { first in
                    secondMoments[index].withMutableScalars { second in
                        parameters[index].parameter.update { value in
                            forEachRange(value.count) { range in
                                update.apply(to: value, gradient: gradient, first: first, second: second, range: range)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The moments as "exp_avg.<key>" and "exp_avg_sq.<key>" (PyTorch's names), and "step".
    func stateTensors() -> [String: Tensor] {
        var state = ["step": stepTensor(stepCount)]
        for (index, (key, _)) in parameters.enumerated() {
            state["exp_avg.\(key)"] = firstMoments[index]
            state["exp_avg_sq.\(key)"] = secondMoments[index]
        }
        return state
    }

    mutating func loadState(_ state: [String: Tensor]) throws {
        let steps = try savedStepCount(state)
        var first: [Tensor] = [], second: [Tensor] = []
        for (key, parameter) in parameters {
            let shape = parameter.wrappedValue.shape
            first.append(try state.requiredTensor("exp_avg.\(key)", shape: shape).detached())
            second.append(try state.requiredTensor("exp_avg_sq.\(key)", shape: shape).detached())
        }
        (stepCount, firstMoments, secondMoments) = (steps, first, second)
    }
}
