import NN
import TensorCore

/// Adam with L2 weight decay added to the gradient (torch.optim.Adam; Kingma & Ba 2015).
///
/// The autoencoder and its discriminator use betas (0.5, 0.9).
public final class Adam: Optimizer {
    public var learningRate: Float
    public let betas: (Float, Float)
    public let epsilon: Float
    public let weightDecay: Float
    private var moments: AdamMoments

    public init(parameters: [NamedParameter], learningRate: Float, betas: (Float, Float) = (0.9, 0.999),
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.betas = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        moments = AdamMoments(parameters: parameters)
    }

    public var stepCount: Int { moments.stepCount }

    public func step(_ gradients: [Tensor]) {
        moments.step(gradients, learningRate: learningRate, betas: betas, epsilon: epsilon,
                     weightDecay: .coupled(weightDecay), optimizer: "Adam")
    }

    public func stateTensors() -> [String: Tensor] { moments.stateTensors() }
    public func loadState(_ state: [String: Tensor]) throws { try moments.loadState(state) }
}
