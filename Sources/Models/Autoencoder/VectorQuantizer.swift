import Foundation
import NN
import TensorCore

/// Maps each latent vector to its nearest codebook entry, with the straight-through estimator.
///
/// z [N, C, h, w] → z_q of the same shape. Distances ‖z‖² + ‖e‖² − 2·z·e (one GEMM). The loss is
/// ‖sg[z_q] − z‖²·β + ‖z_q − sg[z]‖² (commitment weighted by β = 0.25); with `legacy` it is
/// ‖sg[z_q] − z‖² + β·‖z_q − sg[z]‖², the reference's default which puts β on the codebook term
/// (a known bug, kept selectable for parity). taming-transformers
/// taming/modules/vqvae/quantize.py `VectorQuantizer2`.
public final class VectorQuantizer: Module {
    let embedding: Embedding
    public let beta: Float
    public let legacy: Bool

    public init(codes: Int, dimension: Int, beta: Float = 0.25, legacy: Bool = true, generator: inout SeededGenerator) {
        embedding = Embedding(count: codes, dimension: dimension, generator: &generator)
        // The reference initialises the codebook U(−1/n, 1/n).
        embedding.weight = Tensor.randomUniform([codes, dimension], low: -1 / Float(codes), high: 1 / Float(codes),
                                                using: &generator)
        self.beta = beta
        self.legacy = legacy
        super.init()
    }

    public struct Output {
        /// The quantised latents with straight-through gradients to z. [N, C, h, w]
        public let quantized: Tensor
        /// The codebook and commitment loss (a scalar).
        public let loss: Tensor
        /// The chosen code per latent vector, in [N, h, w] order.
        public let indices: [Int]
        /// exp(entropy) of the batch's code usage: how many codes are effectively used.
        public let perplexity: Float
    }

    public func callAsFunction(_ z: Tensor) -> Output {
        let (n, c, h, w) = (z.shape[0], z.shape[1], z.shape[2], z.shape[3])
        let flat = z.permuted([0, 2, 3, 1]).reshaped(to: [n * h * w, c])
        let indices = nearestCodes(flat.detached())
        let chosen = embedding(indices)  // [N·h·w, C]
        let zq = chosen.reshaped(to: [n, h, w, c]).permuted([0, 3, 1, 2])
        let towardCodes = ((zq.detached() - z) * (zq.detached() - z)).mean()
        let towardInputs = ((zq - z.detached()) * (zq - z.detached())).mean()
        let loss = legacy ? towardCodes + beta * towardInputs : beta * towardCodes + towardInputs
        let straightThrough = z + (zq - z).detached()
        return Output(quantized: straightThrough, loss: loss, indices: indices,
                      perplexity: Self.perplexity(indices, codes: embedding.weight.shape[0]))
    }

    /// The codes of given indices as latents [N, C, h, w] (for decoding stored indices).
    public func latents(forIndices indices: [Int], shape: [Int]) -> Tensor {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        return embedding(indices).reshaped(to: [n, h, w, c]).permuted([0, 3, 1, 2])
    }

    /// argmin_k ‖z_i − e_k‖² for each row of `flat` [M, C].
    func nearestCodes(_ flat: Tensor) -> [Int] {
        withoutGradients {
            let codebook = embedding.weight.detached()
            let codeNorms = (codebook * codebook).sum(alongAxes: [1])               // [K]
            let scores = codeNorms - 2 * Tensor.matmul(flat, codebook, transposingB: true)  // [M, K]; ‖z‖² is constant per row
            let k = codebook.shape[0]
            return scores.withUnsafeScalars { s in
                (0..<flat.shape[0]).map { row in
                    var best = 0
                    var bestScore = Float.infinity
                    for code in 0..<k where s[row * k + code] < bestScore {
                        bestScore = s[row * k + code]
                        best = code
                    }
                    return best
                }
            }
        }
    }

    /// exp(entropy) of the code frequencies in `indices`, as taming's VectorQuantizer reports it.
    public static func perplexity(_ indices: [Int], codes: Int) -> Float {
        var counts = [Int](repeating: 0, count: codes)
        for i in indices { counts[i] += 1 }
        let total = Double(indices.count)
        let entropy = counts.reduce(0.0) { sum, count in
            guard count > 0 else { return sum }
            let p = Double(count) / total
            return sum - p * Foundation.log(p)
        }
        return Float(Foundation.exp(entropy))
    }
}
