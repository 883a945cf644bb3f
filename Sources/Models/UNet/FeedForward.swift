import NN
import TensorCore

/// The gated GELU unit: one projection to twice the width, split into a value half and a gate
/// half, value · GELU(gate) (exact GELU). [B, N, inFeatures] → [B, N, outFeatures].
/// Shazeer 2020; CompVis ldm/modules/attention.py `GEGLU`.
public final class GEGLU: Module {
    let proj: Linear

    public init(inFeatures: Int, outFeatures: Int, generator: inout SeededGenerator) {
        proj = Linear(inFeatures: inFeatures, outFeatures: 2 * outFeatures, generator: &generator)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        proj(x).gatedGELU()
    }
}

/// The transformer's feed-forward network: GEGLU to `multiplier`× the width, then a linear
/// projection back. [B, N, dimension] → [B, N, dimension]. CompVis ldm/modules/attention.py
/// `FeedForward(glu=True)` (its dropout is 0).
public final class FeedForward: Module {
    let projectIn: GEGLU
    let projectOut: Linear

    public init(dimension: Int, multiplier: Int = 4, generator: inout SeededGenerator) {
        projectIn = GEGLU(inFeatures: dimension, outFeatures: multiplier * dimension, generator: &generator)
        projectOut = Linear(inFeatures: multiplier * dimension, outFeatures: dimension, generator: &generator)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { projectOut(projectIn(x)) }
}
