import NN
import TensorCore

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay
/// (torch.optim.SGD without dampening; Sutskever et al. 2013).
///
/// Per element: g ← g + λp; b ← μb + g; the direction is g + μb with Nesterov, else b;
/// p ← p − lr·direction. Without momentum the direction is g. The buffers start at zero, so the
/// first step's b is exactly g, as torch's copy of the first gradient is.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    private let parameters: [NamedParameter]
    /// The velocity b of each parameter when momentum is on, else empty.
    private var momentumBuffers: [Tensor]
    public private(set) var stepCount = 0

    public init(parameters: [NamedParameter], learningRate: Float, momentum: Float = 0, nesterov: Bool = false,
                weightDecay: Float = 0) {
        precondition(!nesterov || momentum > 0, "SGD: Nesterov momentum needs momentum > 0, got \(momentum)")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        momentumBuffers = momentum == 0 ? [] : parameters.map { Tensor.zeros($0.parameter.wrappedValue.shape) }
    }

    public func step(_ gradients: [Tensor]) {
        validate(gradients, against: parameters, optimizer: "SGD")
        stepCount += 1
        for index in parameters.indices {
            if momentumBuffers.isEmpty {
                descend(index, gradient: gradients[index])
            } else {
                descendWithMomentum(index, gradient: gradients[index])
            }
        }
    }

    /// p ← p − lr·(g + λp).
    private func descend(_ index: Int, gradient: Tensor) {
        let lr = learningRate, lambda = weightDecay
        gradient.withUnsafeScalars { gradient in
            parameters[index].parameter.update { value in
                let g = gradient.baseAddress!, p = value.baseAddress!
                forEachRange(value.count) { range in
                    for i in range { p[i] += -lr * (g[i] + lambda * p[i]) }
                }
            }
        }
    }

    /// b ← μb + (g + λp), then p ← p − lr·(Nesterov ? g + λp + μb : b).
    private func descendWithMomentum(_ index: Int, gradient: Tensor) {
        let lr = learningRate, mu = momentum, lambda = weightDecay, nesterov = nesterov
        gradient.withUnsafeScalars { gradient in
            momentumBuffers[index].withMutableScalars { buffer in
                parameters[index].parameter.update { value in
                    let g = gradient.baseAddress!, b = buffer.baseAddress!, p = value.baseAddress!
                    forEachRange(value.count) { range in
                        for i in range {
                            let gi = g[i] + lambda * p[i]
                            b[i] = b[i] * mu + gi
                            p[i] += -lr * (nesterov ? gi + mu * b[i] : b[i])
                        }
                    }
                }
            }
        }
    }

    /// "momentum_buffer.<key>" for each parameter when momentum is on, and "step".
    public func stateTensors() -> [String: Tensor] {
        var state = ["step": stepTensor(stepCount)]
        for (index, buffer) in momentumBuffers.enumerated() {
            state["momentum_buffer.\(parameters[index].key)"] = buffer
        }
        return state
    }

    public func loadState(_ state: [String: Tensor]) throws {
        let steps = try savedStepCount(state)
        var buffers: [Tensor] = []
        if momentum != 0 {
            for (key, parameter) in parameters {
                let shape = parameter.wrappedValue.shape
                buffers.append(try state.requiredTensor("momentum_buffer.\(key)", shape: shape).detached())
            }
        }
        (stepCount, momentumBuffers) = (steps, buffers)
    }
}
