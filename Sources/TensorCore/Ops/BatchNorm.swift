/// Batch normalisation (Ioffe & Szegedy 2015) of x [N, C, …] per channel, as PyTorch's `F.batch_norm`.
///
/// Training: each channel is normalised with the mean and biased variance of its N·(H·W…) values,
/// y = (x − μ) / √(σ² + ε) · weight[c] + bias[c], and the returned running statistics move towards
/// the batch's: r ← (1 − momentum)·r + momentum·s, with the unbiased variance for `runningVariance`
/// (as PyTorch). Evaluation: the running statistics normalise and are returned unchanged.
/// `weight`, `bias`, `runningMean` and `runningVariance` are [C]; nil weight and bias mean 1 and 0.
///
/// The pullback gives x, weight and bias cotangents, each only when wanted (in training, x's
/// cotangent includes the path through the batch statistics); the running statistics are constants.
public func batchNorm(_ x: Tensor, weight: Tensor? = nil, bias: Tensor? = nil,
                      runningMean: Tensor, runningVariance: Tensor,
                      training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5)
    -> (output: Tensor, runningMean: Tensor, runningVariance: Tensor) {
    precondition(x.rank >= 2, "batchNorm: input of shape \(x.shape) needs at least [N, C]")
    let batch = x.shape[0], channels = x.shape[1]
    let positions = x.count / max(batch * channels, 1), perChannel = batch * positions
    precondition(runningMean.shape == [channels] && runningVariance.shape == [channels],
                 "batchNorm: running statistics of shapes \(runningMean.shape), \(runningVariance.shape) "
                 + "should be [\(channels)] for input \(x.shape)")
    precondition(!training || perChannel > 1,
                 "batchNorm: training needs more than one value per channel, input is \(x.shape)")
    let operands = AffineOperands(x, weight: weight, bias: bias, channels: channels, op: "batchNorm")
    let weights = weight?.scalars, biases = bias?.scalars
    let chunks = WorkChunks(items: channels, elementsPerItem: perChannel)
    // The element indices of channel `channel` in sample `sample`.
    func run(_ sample: Int, _ channel: Int) -> Range<Int> {
        let start = (sample * channels + channel) * positions
        return start..<(start + positions)
    }

    // Per channel: the mean and 1/√(σ² + ε) that normalise, and (training) the unbiased batch variance.
    var statistics = [(mean: Float, inverseStandardDeviation: Float, unbiasedVariance: Float)](
        repeating: (0, 0, 0), count: channels)
    if !training {
        let means = runningMean.scalars, variances = runningVariance.scalars
        for channel in 0..<channels {
            statistics[channel] = (means[channel], 1 / (variances[channel] + epsilon).squareRoot(), 0)
        }
    }
    let output = Tensor(shape: x.shape) { out in
        x.withUnsafeScalars { input in
            statistics.withUnsafeMutableBufferPointer { stats in
                let px = input.baseAddress!, po = out.baseAddress!
                chunks.run { channelRange in
                    for channel in channelRange {
                        if training {
                            var sum = 0.0, sumOfSquares = 0.0
                            for sample in 0..<batch {
                                let s = sumAndSumOfSquares(px + run(sample, channel).lowerBound, count: positions)
                                sum += s.sum
                                sumOfSquares += s.sumOfSquares
                            }
                            let m = Double(perChannel), mean = sum / m
                            let variance = max(sumOfSquares / m - mean * mean, 0)
                            stats[channel] = (Float(mean), Float(1 / (variance + Double(epsilon)).squareRoot()),
                                              Float(variance * m / (m - 1)))
                        }
                        let mean = stats[channel].mean, shift = biases?[channel] ?? 0
                        let scale = stats[channel].inverseStandardDeviation * (weights?[channel] ?? 1)
                        for sample in 0..<batch {
                            for i in run(sample, channel) { po[i] = (px[i] - mean) * scale + shift }
                        }
                    }
                }
            }
        }
    }
    let channelStatistics = statistics

    let updatedMean: Tensor, updatedVariance: Tensor
    if training {
        updatedMean = Tensor(shape: [channels]) { out in
            let old = runningMean.scalars
            for c in 0..<channels { out[c] = (1 - momentum) * old[c] + momentum * channelStatistics[c].mean }
        }
        updatedVariance = Tensor(shape: [channels]) { out in
            let old = runningVariance.scalars
            for c in 0..<channels { out[c] = (1 - momentum) * old[c] + momentum * channelStatistics[c].unbiasedVariance }
        }
    } else {
        (updatedMean, updatedVariance) = (runningMean.detached(), runningVariance.detached())
    }

    let recordedOutput = output.recorded("batchNorm", inputs: operands.inputs) { g, wanted in
        let wantsWeight = operands.wantsWeight(wanted), wantsBias = operands.wantsBias(wanted)
        // Σg and Σg·x per channel: needed by the weight and bias cotangents, and in training by x's.
        var channelSums = [(sum: Double, dot: Double)](repeating: (0, 0), count: channels)
        if wantsWeight || wantsBias || (training && wanted[0]) {
            g.withUnsafeScalars { gs in
                x.withUnsafeScalars { xs in
                    channelSums.withUnsafeMutableBufferPointer { sums in
                        chunks.run { channelRange in
                            for channel in channelRange {
                                var total = (sum: 0.0, dot: 0.0)
                                for sample in 0..<batch {
                                    let start = run(sample, channel).lowerBound
                                    let s = sumAndDotProduct(gs.baseAddress! + start, xs.baseAddress! + start, count: positions)
                                    total = (total.sum + s.sum, total.dot + s.dot)
                                }
                                sums[channel] = total
                            }
                        }
                    }
                }
            }
        }
        // Training: dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) with dx̂ = g·w, as a·g + b·(x − μ) + c;
        // evaluation: dx = rstd·w·g.
        let dx: Tensor? = wanted[0] ? Tensor(shape: x.shape) { out in
            g.withUnsafeScalars { gs in
                x.withUnsafeScalars { xs in
                    let pg = gs.baseAddress!, px = xs.baseAddress!, pdx = out.baseAddress!
                    chunks.run { channelRange in
                        for channel in channelRange {
                            let (mean, rstd, _) = channelStatistics[channel]
                            let w = weights?[channel] ?? 1
                            var b: Float = 0, c: Float = 0
                            if training {
                                let (sum, dot) = channelSums[channel]
                                let r = Double(rstd), mu = Double(mean), m = Double(perChannel)
                                let sumOfDxhat = Double(w) * sum
                                let sumOfDxhatTimesXhat = Double(w) * r * (dot - mu * sum)
                                b = Float(-r * r * sumOfDxhatTimesXhat / m)
                                c = Float(-r * sumOfDxhat / m)
                            }
                            let a = rstd * w
                            for sample in 0..<batch {
                                for i in run(sample, channel) { pdx[i] = a * pg[i] + b * (px[i] - mean) + c }
                            }
                        }
                    }
                }
            }
        } : nil
        // weight: Σ g·x̂ = rstd·(Σg·x − μ·Σg); bias: Σg.
        let dWeight: Tensor? = wantsWeight ? Tensor(shape: [channels]) { dw in
            for c in 0..<channels {
                let (mean, rstd, _) = channelStatistics[c]
                dw[c] = Float(Double(rstd) * (channelSums[c].dot - Double(mean) * channelSums[c].sum))
            }
        } : nil
        let dBias: Tensor? = wantsBias ? Tensor(shape: [channels]) { db in
            for c in 0..<channels { db[c] = Float(channelSums[c].sum) }
        } : nil
        return operands.cotangents(x: dx, weight: dWeight, bias: dBias)
    }
    return (recordedOutput, updatedMean, updatedVariance)
}
