import RealModule

/// Layer normalisation over the last axis (Ba et al. 2016), as PyTorch's `nn.LayerNorm(D)`.
///
/// `x` is […, D]; every row of D values is normalised with its own mean and biased variance:
/// y = (x − μ) / √(σ² + ε) · weight + bias, with `weight` and `bias` of shape [D] (nil means 1 and 0).
/// Statistics are accumulated in Double.
///
/// The pullback gives x, weight and bias cotangents, each only when wanted.
public func layerNorm(_ x: Tensor, weight: Tensor? = nil, bias: Tensor? = nil, epsilon: Float = 1e-5) -> Tensor {
    precondition(x.rank >= 1 && x.shape[x.rank - 1] > 0, "layerNorm: input of shape \(x.shape) has no features")
    let features = x.shape[x.rank - 1], rows = x.count / features
    let operands = AffineOperands(x, weight: weight, bias: bias, channels: features, op: "layerNorm")
    // Missing parameters act as 1 and 0, so every row runs the same loop.
    let gamma = weight?.scalars ?? [Float](repeating: 1, count: features)
    let beta = bias?.scalars ?? [Float](repeating: 0, count: features)
    let chunks = WorkChunks(items: rows, elementsPerItem: features)

    var statistics = [(mean: Float, inverseStandardDeviation: Float)](repeating: (0, 0), count: rows)
    let output = Tensor(shape: x.shape) { out in
        x.withUnsafeScalars { input in
            statistics.withUnsafeMutableBufferPointer { stats in
                gamma.withUnsafeBufferPointer { w in
                    beta.withUnsafeBufferPointer { b in
                        chunks.run { rowRange in
                            for row in rowRange {
                                let px = input.baseAddress! + row * features, po = out.baseAddress! + row * features
                                let (sum, sumOfSquares) = sumAndSumOfSquares(px, count: features)
                                let (mean, rstd) = meanAndInverseStandardDeviation(
                                    sum: sum, sumOfSquares: sumOfSquares, count: features, epsilon: epsilon)
                                stats[row] = (mean, rstd)
                                for i in 0..<features { po[i] = (px[i] - mean) * rstd * w[i] + b[i] }
                            }
                        }
                    }
                }
            }
        }
    }
    let rowStatistics = statistics

    return output.recorded("layerNorm", inputs: operands.inputs) { g, wanted in
        let wantsWeight = operands.wantsWeight(wanted), wantsBias = operands.wantsBias(wanted)
        // dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) with dx̂ = g·w, row by row.
        let dx: Tensor? = wanted[0] ? Tensor(shape: x.shape) { out in
            g.withUnsafeScalars { gs in
                x.withUnsafeScalars { xs in
                    gamma.withUnsafeBufferPointer { w in
                        chunks.run { rowRange in
                            for row in rowRange {
                                let pg = gs.baseAddress! + row * features, px = xs.baseAddress! + row * features
                                let pdx = out.baseAddress! + row * features
                                let (mean, rstd) = rowStatistics[row]
                                var sumOfDxhat: Float = 0, sumOfDxhatTimesXhat: Float = 0
                                for i in 0..<features {
                                    let dxhat = pg[i] * w[i]
                                    sumOfDxhat = Relaxed.sum(sumOfDxhat, dxhat)
                                    sumOfDxhatTimesXhat = Relaxed.multiplyAdd(dxhat, (px[i] - mean) * rstd, sumOfDxhatTimesXhat)
                                }
                                let meanOfDxhat = sumOfDxhat / Float(features)
                                let meanOfDxhatTimesXhat = sumOfDxhatTimesXhat / Float(features)
                                for i in 0..<features {
                                    let xhat = (px[i] - mean) * rstd
                                    pdx[i] = rstd * (pg[i] * w[i] - meanOfDxhat - xhat * meanOfDxhatTimesXhat)
                                }
                            }
                        }
                    }
                }
            }
        } : nil
        guard wantsWeight || wantsBias else { return operands.cotangents(x: dx, weight: nil, bias: nil) }

        // weight: Σ g·x̂ and bias: Σ g over the rows, as per-chunk partial sums added in chunk order.
        var partialWeight = [Float](repeating: 0, count: chunks.count * features)
        var partialBias = [Float](repeating: 0, count: chunks.count * features)
        g.withUnsafeScalars { gs in
            x.withUnsafeScalars { xs in
                partialWeight.withUnsafeMutableBufferPointer { pw in
                    partialBias.withUnsafeMutableBufferPointer { pb in
                        parallelFor(chunks.count) { chunk in
                            let dw = pw.baseAddress! + chunk * features, db = pb.baseAddress! + chunk * features
                            for row in chunks.items(inChunk: chunk) {
                                let pg = gs.baseAddress! + row * features, px = xs.baseAddress! + row * features
                                let (mean, rstd) = rowStatistics[row]
                                for i in 0..<features {
                                    dw[i] += pg[i] * (px[i] - mean) * rstd
                                    db[i] += pg[i]
                                }
                            }
                        }
                    }
                }
            }
        }
        func totalOverChunks(_ partial: [Float]) -> Tensor {
            Tensor(shape: [features]) { out in
                out.initialize(repeating: 0)
                for chunk in 0..<chunks.count {
                    for i in 0..<features { out[i] += partial[chunk * features + i] }
                }
            }
        }
        return operands.cotangents(x: dx, weight: wantsWeight ? totalOverChunks(partialWeight) : nil,
                                   bias: wantsBias ? totalOverChunks(partialBias) : nil)
    }
}
