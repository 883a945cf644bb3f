/// The gated GELU of GEGLU (Shazeer 2020) as one primitive: the last axis [… , 2F] is split into a value
/// half and a gate half, and the result [… , F] is value · GELU(gate), with exact GELU
/// g·Φ(g) = g·(1 + erf(g/√2))/2.
///
/// As a composite (two slices, five GELU passes and a product) it made eight passes over the UNet's
/// widest activation in every transformer block; this is one pass forward and one back. The pullback
/// recomputes Φ(gate) instead of keeping it: d value = dy·GELU(gate), d gate = dy·value·(Φ(gate) + gate·φ(gate)).
extension Tensor {
    public func gatedGELU() -> Tensor {
        precondition(rank >= 1 && shape[rank - 1] % 2 == 0,
                     "gatedGELU: the last axis of shape \(shape) must have an even extent (value and gate halves)")
        let width = shape[rank - 1] / 2, rows = width == 0 ? 0 : count / (2 * width)
        var outputShape = shape
        outputShape[rank - 1] = width
        let chunks = WorkChunks(items: rows, elementsPerItem: 2 * width)
        let input = self
        let output = Tensor(shape: outputShape) { out in
            input.withUnsafeScalars { xs in
                chunks.run { rowRange in
                    for row in rowRange {
                        let value = xs.baseAddress! + 2 * width * row, gate = value + width
                        let y = out.baseAddress! + width * row
                        for i in 0..<width { y[i] = value[i] * gate[i] * normalCumulative(gate[i]) }
                    }
                }
            }
        }
        return output.recorded("gatedGELU", inputs: [self]) { g, _ in
            [Tensor(shape: input.shape) { dx in
                g.withUnsafeScalars { gs in
                    input.withUnsafeScalars { xs in
                        chunks.run { rowRange in
                            for row in rowRange {
                                let value = xs.baseAddress! + 2 * width * row, gate = value + width
                                let dValue = dx.baseAddress! + 2 * width * row, dGate = dValue + width
                                let dy = gs.baseAddress! + width * row
                                for i in 0..<width {
                                    let cumulative = normalCumulative(gate[i])
                                    dValue[i] = dy[i] * gate[i] * cumulative
                                    dGate[i] = dy[i] * value[i] * (cumulative + gate[i] * normalDensity(gate[i]))
                                }
                            }
                        }
                    }
                }
            }]
        }
    }
}

/// Φ(x) = (1 + erf(x/√2))/2, the standard normal distribution function.
@inline(__always)
private func normalCumulative(_ x: Float) -> Float { 0.5 * (1 + vectorizableErf(x * 0.707_106_781)) }

/// φ(x) = e^(−x²/2)/√(2π), the standard normal density.
@inline(__always)
private func normalDensity(_ x: Float) -> Float { 0.398_942_280 * vectorizableExp(-0.5 * x * x) }
