/// Group normalisation (Wu & He 2018), as PyTorch's `nn.GroupNorm`.
///
/// `x` is [N, C, …]; its C channels are split into `groups` groups of consecutive channels and each
/// (sample, group) is normalised with its own mean and biased variance over the group's channels and
/// all trailing positions: y = (x − μ) / √(σ² + ε) · weight[c] + bias[c]. `weight` and `bias` are [C]
/// (nil means 1 and 0). Statistics are accumulated in Double, so ε = 1e-6 works on offset data.
///
/// The pullback gives x, weight and bias cotangents, each only when wanted.
public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor? = nil, bias: Tensor? = nil,
                      epsilon: Float = 1e-5) -> Tensor {
    groupNorm(x, groups: groups, weight: weight, bias: bias, epsilon: epsilon, thenSiLU: false)
}

/// `groupNorm(x, …).silu()` as one primitive, the pair every residual block of the autoencoder and
/// the UNet opens with: one pass forward instead of two, and one activation kept for the backward
/// pass instead of three (the pullback recomputes the normalised value and its sigmoid from x and
/// the group statistics, as `silu` recomputes its sigmoid).
public func groupNormSiLU(_ x: Tensor, groups: Int, weight: Tensor? = nil, bias: Tensor? = nil,
                          epsilon: Float = 1e-5) -> Tensor {
    groupNorm(x, groups: groups, weight: weight, bias: bias, epsilon: epsilon, thenSiLU: true)
}

/// Group normalisation, followed by SiLU when `thenSiLU`: y = f(z), z = (x − μ)·rstd·weight + bias.
/// With SiLU the pullback first turns g into dz = g·s·(1 + z·(1 − s)), s = sigmoid(z), and then runs
/// the group norm's own pullback on dz.
private func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, epsilon: Float,
                       thenSiLU: Bool) -> Tensor {
    precondition(x.rank >= 2, "groupNorm: input of shape \(x.shape) needs at least [N, C]")
    let batch = x.shape[0], channels = x.shape[1]
    precondition(groups > 0 && channels % groups == 0,
                 "groupNorm: \(channels) channels of input \(x.shape) do not split into \(groups) groups")
    let operands = AffineOperands(x, weight: weight, bias: bias, channels: channels, op: "groupNorm")
    let layout = GroupNormLayout(batch: batch, channels: channels, groups: groups,
                                 positions: x.count / max(batch * channels, 1))
    let weights = weight?.scalars, biases = bias?.scalars

    var statistics = [(mean: Float, inverseStandardDeviation: Float)](repeating: (0, 0), count: batch * groups)
    let output = Tensor(shape: x.shape) { out in
        x.withUnsafeScalars { input in
            statistics.withUnsafeMutableBufferPointer { stats in
                let px = input.baseAddress!, po = out.baseAddress!
                layout.chunks.run { groupRange in
                    for group in groupRange {
                        let start = group * layout.groupSize
                        let (sum, sumOfSquares) = sumAndSumOfSquares(px + start, count: layout.groupSize)
                        let (mean, rstd) = meanAndInverseStandardDeviation(
                            sum: sum, sumOfSquares: sumOfSquares, count: layout.groupSize, epsilon: epsilon)
                        stats[group] = (mean, rstd)
                        for channel in layout.channels(ofGroup: group) {
                            // (x − μ)·scale rather than x·scale − μ·scale: no cancellation far from zero.
                            let scale = rstd * (weights?[channel] ?? 1), shift = biases?[channel] ?? 0
                            let run = layout.run(sample: layout.sample(ofGroup: group), channel: channel)
                            if thenSiLU {
                                for i in run {
                                    let z = (px[i] - mean) * scale + shift
                                    po[i] = z * logistic(z)
                                }
                            } else {
                                for i in run { po[i] = (px[i] - mean) * scale + shift }
                            }
                        }
                    }
                }
            }
        }
    }
    let groupStatistics = statistics

    return output.recorded(thenSiLU ? "groupNormSiLU" : "groupNorm", inputs: operands.inputs) { g, wanted in
        // Σg and Σg·x per (sample, channel), from which all three cotangents follow (with SiLU, of dz).
        var channelSums = [(sum: Double, dot: Double)](repeating: (0, 0), count: batch * channels)
        // Fills `channelSums` and, when `dx` is given, writes the x cotangent
        // dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) with dx̂ = g·w, as a·g + b·(x − μ) + c.
        // With SiLU, g is first replaced by dz, written into dx (or a scratch buffer) and read back.
        func reduce(writingInto dx: UnsafeMutablePointer<Float>?) {
            let scratch = thenSiLU && dx == nil ? TensorStorage(uninitializedCount: x.count) : nil
            defer { withExtendedLifetime(scratch) {} }
            g.withUnsafeScalars { gs in
                x.withUnsafeScalars { xs in
                    channelSums.withUnsafeMutableBufferPointer { sums in
                        let px = xs.baseAddress!
                        let pg = thenSiLU ? UnsafePointer(dx ?? scratch!.pointer) : gs.baseAddress!
                        layout.chunks.run { groupRange in
                            for group in groupRange {
                                let sample = layout.sample(ofGroup: group)
                                if thenSiLU {
                                    let (mean, rstd) = groupStatistics[group]
                                    let dz = dx ?? scratch!.pointer
                                    for channel in layout.channels(ofGroup: group) {
                                        let scale = rstd * (weights?[channel] ?? 1), shift = biases?[channel] ?? 0
                                        for i in layout.run(sample: sample, channel: channel) {
                                            let z = (px[i] - mean) * scale + shift, s = logistic(z)
                                            dz[i] = gs[i] * s * (1 + z * (1 - s))
                                        }
                                    }
                                }
                                var sumOfDxhat = 0.0, sumOfDxhatTimesX = 0.0
                                for channel in layout.channels(ofGroup: group) {
                                    let run = layout.run(sample: sample, channel: channel)
                                    let s = sumAndDotProduct(pg + run.lowerBound, px + run.lowerBound, count: run.count)
                                    sums[sample * channels + channel] = s
                                    let w = Double(weights?[channel] ?? 1)
                                    sumOfDxhat += w * s.sum
                                    sumOfDxhatTimesX += w * s.dot
                                }
                                guard let dx else { continue }
                                let (mean, rstd) = groupStatistics[group]
                                let m = Double(layout.groupSize), mu = Double(mean), r = Double(rstd)
                                let sumOfDxhatTimesXhat = r * (sumOfDxhatTimesX - mu * sumOfDxhat)
                                let b = Float(-r * r * sumOfDxhatTimesXhat / m)
                                let c = Float(-r * sumOfDxhat / m)
                                for channel in layout.channels(ofGroup: group) {
                                    let a = rstd * (weights?[channel] ?? 1)
                                    for i in layout.run(sample: sample, channel: channel) {
                                        dx[i] = a * pg[i] + b * (px[i] - mean) + c
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let dx: Tensor? = wanted[0] ? Tensor(shape: x.shape) { reduce(writingInto: $0.baseAddress!) } : nil
        if !wanted[0] { reduce(writingInto: nil) }

        // weight: Σ g·x̂ = rstd·(Σg·x − μ·Σg); bias: Σg — both summed over the samples.
        let dWeight: Tensor? = operands.wantsWeight(wanted) ? Tensor(shape: [channels]) { dw in
            for channel in 0..<channels {
                var total = 0.0
                for sample in 0..<batch {
                    let s = channelSums[sample * channels + channel]
                    let (mean, rstd) = groupStatistics[layout.group(sample: sample, channel: channel)]
                    total += Double(rstd) * (s.dot - Double(mean) * s.sum)
                }
                dw[channel] = Float(total)
            }
        } : nil
        let dBias: Tensor? = operands.wantsBias(wanted) ? Tensor(shape: [channels]) { db in
            for channel in 0..<channels {
                db[channel] = Float((0..<batch).reduce(0.0) { $0 + channelSums[$1 * channels + channel].sum })
            }
        } : nil
        return operands.cotangents(x: dx, weight: dWeight, bias: dBias)
    }
}

/// Where the groups of a [N, C, positions] tensor lie: group n·G + k holds channels
/// k·C/G ..< (k+1)·C/G of sample n, one contiguous block of `groupSize` elements.
private struct GroupNormLayout {
    let batch: Int, channels: Int, groups: Int, positions: Int
    let channelsPerGroup: Int, groupSize: Int
    let chunks: WorkChunks

    init(batch: Int, channels: Int, groups: Int, positions: Int) {
        self.batch = batch; self.channels = channels; self.groups = groups; self.positions = positions
        channelsPerGroup = channels / groups
        groupSize = channelsPerGroup * positions
        chunks = WorkChunks(items: batch * groups, elementsPerItem: groupSize)
    }

    func sample(ofGroup group: Int) -> Int { group / groups }
    func firstChannel(ofGroup group: Int) -> Int { (group % groups) * channelsPerGroup }
    func channels(ofGroup group: Int) -> Range<Int> {
        firstChannel(ofGroup: group)..<(firstChannel(ofGroup: group) + channelsPerGroup)
    }
    func group(sample: Int, channel: Int) -> Int { sample * groups + channel / channelsPerGroup }
    /// The element indices of one channel of one sample.
    func run(sample: Int, channel: Int) -> Range<Int> {
        let start = (sample * channels + channel) * positions
        return start..<(start + positions)
    }
}
