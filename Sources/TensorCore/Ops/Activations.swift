/// Activation functions, as composites of primitives (their gradients follow from the primitives').
/// `sigmoid()`, `silu()`, `tanh()` and `relu6()` are primitives, in Unary.swift. Each matches PyTorch's
/// values and its gradient convention at the kinks, and stays finite for large |x|.
extension Tensor {
    /// max(x, 0). Gradient 1 where x > 0, else 0 (also at 0, as PyTorch). A multiply by
    /// the 0/1 mask, so NaN stays NaN (and −∞ becomes NaN).
    public func relu() -> Tensor { self * greater(than: 0) }

    /// x where x > 0, else slope·x. Gradient 1 where x > 0, else `slope` (also at 0, as PyTorch).
    public func leakyRelu(slope: Float = 0.01) -> Tensor {
        Tensor.where(greater(than: 0), self, self * slope)
    }

    /// The Gaussian error linear unit x·Φ(x) = x·(1 + erf(x/√2))/2, or with `approximate` its tanh
    /// form x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))/2 (PyTorch's `approximate="tanh"`).
    public func gelu(approximate: Bool = false) -> Tensor {
        if approximate {
            let inner = (self + self * self * self * 0.044715) * (2 / Float.pi).squareRoot()
            return self * 0.5 * (inner.tanh() + 1)
        }
        return self * 0.5 * ((self * (1 / Float(2).squareRoot())).erf() + 1)
    }

    /// log(1 + eˣ) in the stable form max(x, 0) + log1p(e^(−|x|)), which never overflows and keeps
    /// tiny values for very negative x. It agrees with PyTorch's (which returns x itself above 20) to
    /// rounding. Its gradient is sigmoid(x), also at 0: `maximum`'s tie rule gives ½ there and the
    /// second term 0.
    public func softplus() -> Tensor {
        Tensor.maximum(self, Tensor(0)) + (-abs()).exp().log1p()
    }
}
