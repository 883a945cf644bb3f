import Foundation

/// The coefficients of step t of Adam, and the update of one element with them.
///
/// With bias corrections cₖ = 1 − βₖᵗ, per element:
///   m ← m + (1 − β₁)(g − m),  v ← β₂v + (1 − β₂)g²,  p ← p − (lr / c₁) · m / (√v / √c₂ + ε).
/// The coefficients are formed in Double and rounded once, as PyTorch forms them from Python floats;
/// results agree with torch to a few ulps.
struct AdamStep {
    /// How weight decay λ enters the update.
    enum WeightDecay {
        /// Adam: λp is added to the gradient (an L2 penalty seen by the moments).
        case coupled(Float)
        /// AdamW: p ← (1 − lr·λ)p before the Adam update (Loshchilov & Hutter 2019).
        case decoupled(Float)
    }

    private let shrink, l2, firstWeight, beta2, secondWeight, correction2Root, epsilon, stepSize: Float

    init(step: Int, learningRate: Float, betas: (Float, Float), epsilon: Float, weightDecay: WeightDecay) {
        let beta1 = Double(betas.0), lr = Double(learningRate), t = Double(step)
        (shrink, l2) = switch weightDecay {
        case .coupled(let lambda): (1, lambda)
        case .decoupled(let lambda): (Float(1 - lr * Double(lambda)), 0)
        }
        firstWeight = Float(1 - beta1)
        beta2 = betas.1
        secondWeight = Float(1 - Double(betas.1))
        correction2Root = Float((1 - Foundation.pow(Double(betas.1), t)).squareRoot())
        self.epsilon = epsilon
        stepSize = Float(lr / (1 - Foundation.pow(beta1, t)))
    }

    /// Updates the parameter p, and its moments m and v, from gradient g over `range`.
    @inline(__always)
    func apply(to p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
               first m: UnsafeMutableBufferPointer<Float>, second v: UnsafeMutableBufferPointer<Float>,
               range: Range<Int>) {
        let p = p.baseAddress!, g = g.baseAddress!, m = m.baseAddress!, v = v.baseAddress!
        for i in range {
            p[i] *= shrink
            let gi = g[i] + l2 * p[i]
            m[i] += firstWeight * (gi - m[i])
            v[i] = v[i] * beta2 + secondWeight * gi * gi
            let denominator = v[i].squareRoot() / correction2Root + epsilon
            p[i] += -stepSize * m[i] / denominator
        }
    }
}
