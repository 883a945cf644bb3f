import Foundation
import NN
import TensorCore

/// Sinusoidal embeddings of diffusion timesteps: row b is [cos(t_b·f_0), …, cos(t_b·f_{k−1}),
/// sin(t_b·f_0), …, sin(t_b·f_{k−1})] with k = dimension/2 and f_i = maxPeriod^(−i/k), plus a zero
/// column when `dimension` is odd.
///
/// [B] → [B, dimension], a constant (timesteps are not differentiated). Computed in Float in
/// PyTorch's order of operations, so it matches CompVis
/// ldm/modules/diffusionmodules/util.py `timestep_embedding` to rounding.
public func timestepEmbedding(_ timesteps: Tensor, dimension: Int, maxPeriod: Int = 10000) -> Tensor {
    precondition(timesteps.rank == 1, "timestepEmbedding: timesteps of shape \(timesteps.shape) must be [B]")
    precondition(dimension > 0 && maxPeriod > 0,
                 "timestepEmbedding: dimension \(dimension) and maxPeriod \(maxPeriod) must be positive")
    let half = dimension / 2
    let logPeriod = Float(-Foundation.log(Double(maxPeriod)))
    let frequencies = (0..<half).map { Foundation.exp(logPeriod * Float($0) / Float(half)) }
    let times = timesteps.detached().scalars
    return Tensor(shape: [times.count, dimension]) { out in
        out.initialize(repeating: 0)
        for (row, time) in times.enumerated() {
            for (i, frequency) in frequencies.enumerated() {
                let argument = time * frequency
                out[row * dimension + i] = Foundation.cos(argument)
                out[row * dimension + half + i] = Foundation.sin(argument)
            }
        }
    }
}

/// `timestepEmbedding` of integer timesteps.
public func timestepEmbedding(_ timesteps: [Int], dimension: Int, maxPeriod: Int = 10000) -> Tensor {
    timestepEmbedding(Tensor(shape: [timesteps.count], scalars: timesteps.map(Float.init)),
                      dimension: dimension, maxPeriod: maxPeriod)
}

/// The MLP on the sinusoidal embedding: Linear → SiLU → Linear, to 4× the UNet's model channels.
///
/// [B, modelChannels] → [B, 4·modelChannels]. CompVis openaimodel.py `UNetModel.time_embed`.
public final class TimeEmbedding: Module {
    let linear1: Linear
    let linear2: Linear

    public init(modelChannels: Int, generator: inout SeededGenerator) {
        linear1 = Linear(inFeatures: modelChannels, outFeatures: 4 * modelChannels, generator: &generator)
        linear2 = Linear(inFeatures: 4 * modelChannels, outFeatures: 4 * modelChannels, generator: &generator)
        super.init()
    }

    public func callAsFunction(_ sinusoidal: Tensor) -> Tensor { linear2(linear1(sinusoidal).silu()) }
}
