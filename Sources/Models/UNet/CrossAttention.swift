import NN
import TensorCore

/// Multi-head attention of queries from x to keys and values from a context (x itself when the
/// context is nil): softmax(Q·Kᵀ/√d)·V per head, then an output projection. The q, k, v
/// projections have no bias; the output projection has one.
///
/// x [B, N, queryDimension], context [B, M, contextDimension] → [B, N, queryDimension].
/// CompVis ldm/modules/attention.py `CrossAttention` (its `to_out` dropout is 0); the heads stay
/// side by side in the feature axis, as `scaledDotProductAttention` takes them.
public final class CrossAttention: Module {
    public let heads: Int
    let toQ: Linear
    let toK: Linear
    let toV: Linear
    let toOut: Linear

    /// `contextDimension` nil means self-attention (keys and values from x).
    public init(queryDimension: Int, contextDimension: Int? = nil, heads: Int, headChannels: Int,
                generator: inout SeededGenerator) {
        let inner = heads * headChannels
        let contextDimension = contextDimension ?? queryDimension
        self.heads = heads
        toQ = Linear(inFeatures: queryDimension, outFeatures: inner, bias: false, generator: &generator)
        toK = Linear(inFeatures: contextDimension, outFeatures: inner, bias: false, generator: &generator)
        toV = Linear(inFeatures: contextDimension, outFeatures: inner, bias: false, generator: &generator)
        toOut = Linear(inFeatures: inner, outFeatures: queryDimension, generator: &generator)
        super.init()
    }

    public func callAsFunction(_ x: Tensor, context: Tensor? = nil) -> Tensor {
        let source = context ?? x
        precondition(source.rank == 3 && source.shape[0] == x.shape[0],
                     "CrossAttention: context of shape \(source.shape) does not fit x of shape \(x.shape)")
        let attended = scaledDotProductAttention(query: toQ(x), key: toK(source), value: toV(source), heads: heads)
        return toOut(attended)
    }
}
