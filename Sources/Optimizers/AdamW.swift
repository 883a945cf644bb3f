import NN
import TensorCore

/// Adam with decoupled weight decay, p ← (1 − lr·λ)p before each update
/// (torch.optim.AdamW; Loshchilov & Hutter 2019). The LDM's UNet uses λ = 0.01.
public final class AdamW: Optimizer {
    public var learningRate: Float
    public let betas: (Float, Float)
    public let epsilon: Float
    public let weightDecay: Float
    private var moments: AdamMoments

    public init(parameters: [NamedParameter], learningRate: Float, betas: (Float, Float) = (0.9, 0.999),
                epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        self.learningRate = learningRate
        self.betas = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        moments = AdamMoments(parameters: parameters)
    }

    public var stepCount: Int { moments.stepCount }

    public func step(_ gradients: [Tensor]) {
        moments.step(gradients, learningRate: learningRate, betas: betas, epsilon: epsilon,
                     weightDecay: .decoupled(weightDecay), optimizer: "AdamW")
    }

    public func stateTensors() -> [String: Tensor] { moments.stateTensors() }
    public func loadState(_ state: [String: Tensor]) throws { try moments.loadState(state) }
}
