import TensorCore

/// Elements per chunk of the parallel loop (128 KB of Float): a fixed function of the size, so results
/// do not depend on the thread count.
private let chunkSize = 1 << 15

/// Σ_k w_k[b]·x_k[b, …]: a sum of batches of one shape [B, …], each sample of each term scaled by the
/// term's weight for that sample.
///
/// The elementwise core of the forward process, the conversions between parameterisations and the
/// sampler steps, which all combine per-sample multiples of a few tensors (x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε
/// with a timestep per sample): one pass and one output instead of a broadcast product per term and a
/// sum per pair. Differentiable in every term: a term's cotangent is the output's, scaled by the term's
/// weights. The weights are constants, given in Double and rounded to Float.
func perSampleWeightedSum(_ terms: [(tensor: Tensor, weights: [Double])]) -> Tensor {
    precondition(!terms.isEmpty, "perSampleWeightedSum: no terms")
    let shape = terms[0].tensor.shape
    precondition(!shape.isEmpty, "perSampleWeightedSum: a batch needs a leading axis, got a scalar")
    for term in terms {
        precondition(term.tensor.shape == shape,
                     "perSampleWeightedSum: term of shape \(term.tensor.shape) beside one of shape \(shape)")
        precondition(term.weights.count == shape[0],
                     "perSampleWeightedSum: \(term.weights.count) weights for a batch of \(shape[0])")
    }
    let weights = terms.map { $0.weights.map(Float.init) }
    let sum = Tensor(shape: shape) { out in
        guard out.count > 0 else { return }
        withScalarPointers(terms.map(\.tensor)[...]) { inputs in
            accumulate(inputs, weights: weights, into: out.baseAddress!, count: out.count,
                       samples: shape[0])
        }
    }
    let termWeights = terms.map(\.weights)
    return sum.recorded("perSampleWeightedSum", inputs: terms.map(\.tensor)) { cotangent, wanted in
        termWeights.indices.map { k in
            wanted[k] ? perSampleWeightedSum([(cotangent, termWeights[k])]) : nil
        }
    }
}

/// y = Σ_k w_k[sample(i)]·x_k[i] over `count` elements of `samples` equal samples, chunk by chunk in parallel.
private func accumulate(_ inputs: [UnsafePointer<Float>], weights: [[Float]], into y: UnsafeMutablePointer<Float>,
                        count: Int, samples: Int) {
    let perSample = count / samples
    parallelFor((count + chunkSize - 1) / chunkSize) { chunk in
        var start = chunk * chunkSize
        let end = min(count, start + chunkSize)
        while start < end {
            // The part of the chunk inside one sample, where every weight is constant.
            let sample = start / perSample
            let stop = min(end, (sample + 1) * perSample)
            for (k, x) in inputs.enumerated() {
                let w = weights[k][sample]
                if k == 0 {
                    for i in start..<stop { y[i] = w * x[i] }
                } else {
                    for i in start..<stop { y[i] += w * x[i] }
                }
            }
            start = stop
        }
    }
}

/// Calls `body` with a pointer to the scalars of each of `tensors` (all non-empty), valid during the call.
private func withScalarPointers<R>(_ tensors: ArraySlice<Tensor>, collected: [UnsafePointer<Float>] = [],
                                   _ body: ([UnsafePointer<Float>]) -> R) -> R {
    guard let first = tensors.first else { return body(collected) }
    return first.withUnsafeScalars { scalars in
        withScalarPointers(tensors.dropFirst(), collected: collected + [scalars.baseAddress!], body)
    }
}
