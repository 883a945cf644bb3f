import RealModule

// Pieces shared by the normalisation primitives (groupNorm, layerNorm, batchNorm) and by the other
// row-wise kernels of this area (softmax, attention).

/// A split of `itemCount` independent work items into contiguous chunks for `parallelFor`.
///
/// The chunk count depends only on the problem size (never on the thread count), so results are
/// identical for any number of threads: each chunk gets at least `minimumElementsPerChunk` elements
/// of work, which keeps tiny problems on the calling thread.
struct WorkChunks {
    let itemCount: Int
    let count: Int

    init(items itemCount: Int, elementsPerItem: Int, minimumElementsPerChunk: Int = 16_384) {
        self.itemCount = itemCount
        let byWork = itemCount * max(elementsPerItem, 1) / minimumElementsPerChunk
        count = max(1, min(itemCount, byWork))
    }

    /// The items of chunk `chunk`.
    func items(inChunk chunk: Int) -> Range<Int> {
        (chunk * itemCount / count)..<((chunk + 1) * itemCount / count)
    }

    /// Runs `body` on the item range of every chunk, in parallel.
    func run(_ body: (Range<Int>) -> Void) {
        parallelFor(count) { chunk in body(items(inChunk: chunk)) }
    }
}

/// Σx and Σx² of `count` floats at `p`, accumulated in Double so that the variance
/// E[x²] − E[x]² keeps its precision for small epsilons and offset data.
@inline(__always)
func sumAndSumOfSquares(_ p: UnsafePointer<Float>, count: Int) -> (sum: Double, sumOfSquares: Double) {
    var sum = 0.0, sumOfSquares = 0.0
    for i in 0..<count {
        let v = Double(p[i])
        sum = Relaxed.sum(sum, v)
        sumOfSquares = Relaxed.multiplyAdd(v, v, sumOfSquares)
    }
    return (sum, sumOfSquares)
}

/// Σg and Σg·x of `count` pairs, accumulated in Double: the two reductions behind every
/// normalisation pullback.
@inline(__always)
func sumAndDotProduct(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                      count: Int) -> (sum: Double, dot: Double) {
    var sum = 0.0, dot = 0.0
    for i in 0..<count {
        let gi = Double(g[i])
        sum = Relaxed.sum(sum, gi)
        dot = Relaxed.multiplyAdd(gi, Double(x[i]), dot)
    }
    return (sum, dot)
}

/// The mean and 1/√(variance + ε) of `count` values from their Σx and Σx² (biased variance).
@inline(__always)
func meanAndInverseStandardDeviation(sum: Double, sumOfSquares: Double, count: Int,
                                     epsilon: Float) -> (mean: Float, inverseStandardDeviation: Float) {
    let mean = sum / Double(count)
    let variance = max(sumOfSquares / Double(count) - mean * mean, 0)
    return (Float(mean), Float(1 / (variance + Double(epsilon)).squareRoot()))
}

/// The inputs of a normalisation op, `[x, weight?, bias?]`, and where the optional affine
/// parameters sit in that list (their position in the pullback's `wanted` and result arrays).
struct AffineOperands {
    let inputs: [Tensor]
    let weightIndex: Int?
    let biasIndex: Int?

    /// Checks that `weight` and `bias` have shape `[channels]`; `op` names the caller in messages.
    init(_ x: Tensor, weight: Tensor?, bias: Tensor?, channels: Int, op: String) {
        for (name, parameter) in [("weight", weight), ("bias", bias)] {
            if let parameter {
                precondition(parameter.shape == [channels],
                             "\(op): \(name) of shape \(parameter.shape) should be [\(channels)] for input \(x.shape)")
            }
        }
        var inputs = [x]
        weightIndex = weight.map { inputs.append($0); return inputs.count - 1 }
        biasIndex = bias.map { inputs.append($0); return inputs.count - 1 }
        self.inputs = inputs
    }

    func wantsWeight(_ wanted: [Bool]) -> Bool { weightIndex.map { wanted[$0] } ?? false }
    func wantsBias(_ wanted: [Bool]) -> Bool { biasIndex.map { wanted[$0] } ?? false }

    /// The pullback's result array: `dx` first, then the weight and bias cotangents in their slots.
    func cotangents(x: Tensor?, weight: Tensor?, bias: Tensor?) -> [Tensor?] {
        var result: [Tensor?] = [x]
        if weightIndex != nil { result.append(weight) }
        if biasIndex != nil { result.append(bias) }
        return result
    }
}
