import Foundation
import RealModule

/// Elementwise unary primitives. Each forward is one parallel pass; each pullback is one fused pass over
/// the cotangent and the saved input or output (derivatives as in PyTorch's derivatives.yaml).
extension Tensor {
    /// eˣ, within about 1.2 ulp (see `vectorizableExp`). Pullback: g·eˣ, reusing the output.
    public func exp() -> Tensor {
        let y = parallelMap { x, y, range in for i in range { y[i] = vectorizableExp(x[i]) } }
        return y.recorded("exp", inputs: [self]) { g, _ in
            [Tensor.parallelZipMap(g, y) { g, y, dx, range in for i in range { dx[i] = g[i] * y[i] } }]
        }
    }

    /// The natural logarithm (−∞ at 0, NaN below). Pullback: g / x.
    public func log() -> Tensor {
        let input = self
        return parallelMap { x, y, range in for i in range { y[i] = Float.log(x[i]) } }
            .recorded("log", inputs: [self]) { g, _ in
                [Tensor.parallelZipMap(g, input) { g, x, dx, range in for i in range { dx[i] = g[i] / x[i] } }]
            }
    }

    /// log(1 + x), accurate where x is tiny (log(1 + 1e−10) would round to 0). Pullback: g / (1 + x).
    public func log1p() -> Tensor {
        let input = self
        return parallelMap { x, y, range in for i in range { y[i] = Float.log(onePlus: x[i]) } }
            .recorded("log1p", inputs: [self]) { g, _ in
                [Tensor.parallelZipMap(g, input) { g, x, dx, range in
                    for i in range { dx[i] = g[i] / (1 + x[i]) }
                }]
            }
    }

    /// √x. Pullback: g / (2√x), reusing the output.
    public func squareRoot() -> Tensor {
        let y = parallelMap { x, y, range in for i in range { y[i] = x[i].squareRoot() } }
        return y.recorded("sqrt", inputs: [self]) { g, _ in
            [Tensor.parallelZipMap(g, y) { g, y, dx, range in for i in range { dx[i] = g[i] / (2 * y[i]) } }]
        }
    }

    /// 1/√x. Pullback: −g·y³/2 with y = 1/√x, reusing the output.
    public func rsqrt() -> Tensor {
        let y = parallelMap { x, y, range in for i in range { y[i] = 1 / x[i].squareRoot() } }
        return y.recorded("rsqrt", inputs: [self]) { g, _ in
            [Tensor.parallelZipMap(g, y) { g, y, dx, range in
                for i in range { dx[i] = -0.5 * g[i] * y[i] * y[i] * y[i] }
            }]
        }
    }

    /// xᵖ with C `powf` semantics (a negative base with an integral exponent is fine).
    /// Pullback: g·p·xᵖ⁻¹, and zero for p = 0 (as PyTorch, even at x = 0).
    public func pow(_ exponent: Float) -> Tensor {
        let input = self
        let y = exponent == 2
            ? parallelMap { x, y, range in for i in range { y[i] = x[i] * x[i] } }
            : parallelMap { x, y, range in for i in range { y[i] = powf(x[i], exponent) } }
        return y.recorded("pow", inputs: [self]) { g, _ in
            if exponent == 0 { return [Tensor.zeros(input.shape)] }
            return [Tensor.parallelZipMap(g, input) { g, x, dx, range in
                for i in range { dx[i] = g[i] * exponent * powf(x[i], exponent - 1) }
            }]
        }
    }

    /// |x|. Pullback: g·sign(x) with sign(0) = 0 (PyTorch's `sgn`).
    public func abs() -> Tensor {
        let input = self
        return parallelMap { x, y, range in for i in range { y[i] = x[i].magnitude } }
            .recorded("abs", inputs: [self]) { g, _ in
                [Tensor.parallelZipMap(g, input) { g, x, dx, range in
                    for i in range { dx[i] = x[i] > 0 ? g[i] : (x[i] < 0 ? -g[i] : 0) }
                }]
            }
    }

    /// The error function, within about 2.3 ulp (see `vectorizableErf`). Pullback: g·(2/√π)·e^(−x²).
    public func erf() -> Tensor {
        let input = self
        return parallelMap { x, y, range in for i in range { y[i] = vectorizableErf(x[i]) } }
            .recorded("erf", inputs: [self]) { g, _ in
                let scale = 2 / Float.pi.squareRoot()
                return [Tensor.parallelZipMap(g, input) { g, x, dx, range in
                    for i in range { dx[i] = g[i] * scale * vectorizableExp(-x[i] * x[i]) }
                }]
            }
    }

    /// 1 / (1 + e⁻ˣ), a primitive rather than that composite: for x below about −88, e⁻ˣ overflows to ∞
    /// and the composite's chain rule multiplies 0 by ∞, giving a NaN gradient. The forward uses
    /// e^(−|x|) so it never overflows (e/(1+e) for x < 0 keeps tiny values exact, matching PyTorch).
    /// Pullback: g·y·(1 − y), reusing the output.
    public func sigmoid() -> Tensor {
        let y = parallelMap { x, y, range in for i in range { y[i] = logistic(x[i]) } }
        return y.recorded("sigmoid", inputs: [self]) { g, _ in
            [Tensor.parallelZipMap(g, y) { g, y, dx, range in for i in range { dx[i] = g[i] * y[i] * (1 - y[i]) } }]
        }
    }

    /// x·sigmoid(x) (also called swish), a primitive rather than the composite: one pass forward and
    /// one back instead of four, and every autoencoder and UNet block runs it twice. The pullback
    /// recomputes s = sigmoid(x) instead of keeping it: g·s·(1 + x·(1 − s)).
    public func silu() -> Tensor {
        let y = parallelMap { x, y, range in for i in range { y[i] = x[i] * logistic(x[i]) } }
        return y.recorded("silu", inputs: [self]) { g, _ in
            [Tensor.parallelZipMap(g, self) { g, x, dx, range in
                for i in range {
                    let s = logistic(x[i])
                    dx[i] = g[i] * s * (1 + x[i] * (1 - s))
                }
            }]
        }
    }

    /// min(max(x, 0), 6), a primitive rather than a composite of masks, `where` and `clamped` (five
    /// passes and four temporaries; EfficientNet runs it after 33 of its batch norms). Gradient 1
    /// strictly inside (0, 6) and 0 elsewhere, bounds included: PyTorch computes relu6 as hardtanh,
    /// whose gradient (unlike clamp's) vanishes at the bounds. NaN stays NaN.
    public func relu6() -> Tensor {
        let y = parallelMap { x, y, range in for i in range { y[i] = x[i] < 0 ? 0 : (x[i] > 6 ? 6 : x[i]) } }
        return y.recorded("relu6", inputs: [self]) { g, _ in
            [Tensor.parallelZipMap(g, self) { g, x, dx, range in
                for i in range { dx[i] = x[i] > 0 && x[i] < 6 ? g[i] : 0 }
            }]
        }
    }

    /// The hyperbolic tangent, a primitive rather than the composite 2·sigmoid(2x) − 1, which cancels
    /// catastrophically near 0 (tanh(1e−8) would come out 0). Pullback: g·(1 − y²), reusing the output.
    public func tanh() -> Tensor {
        let y = parallelMap { x, y, range in for i in range { y[i] = Float.tanh(x[i]) } }
        return y.recorded("tanh", inputs: [self]) { g, _ in
            [Tensor.parallelZipMap(g, y) { g, y, dx, range in for i in range { dx[i] = g[i] * (1 - y[i] * y[i]) } }]
        }
    }
}

/// 1 / (1 + e^−x) without overflow: e^−|x| never exceeds 1, and for negative x the result is
/// e^x / (1 + e^x), which keeps tiny values (sigmoid(−30) ≈ 9.4e−14) instead of rounding them to 0.
@inline(__always)
func logistic(_ x: Float) -> Float {
    let e = vectorizableExp(-x.magnitude), r = 1 / (1 + e)
    return x >= 0 ? r : e * r
}
