import RealModule

/// Multi-head scaled dot-product attention (Vaswani et al. 2017), one primitive:
/// per batch element and head h, O_h = softmax(scale · Q_h K_hᵀ + masking) V_h.
///
/// - query: [B, N, heads·d], key: [B, M, heads·d], value: [B, M, heads·dv] → [B, N, heads·dv].
///   Head h is the column block h·d ..< (h+1)·d of each (the layout of PyTorch's
///   `rearrange(t, "b n (h d) -> (b h) n d")`); self-attention passes one tensor three times.
/// - mask: 0/1 values broadcastable to [B, heads, N, M]; a 0 excludes that key for that query (its
///   score becomes −∞ before the softmax, like a `False` in PyTorch's boolean `attn_mask`). A query
///   whose keys are all masked gets zeros (PyTorch gives NaN). The mask is a constant.
/// - scale: defaults to 1/√d.
///
/// The kernels multiply strided head sub-matrices in place with `gemm` (no permuted copies), one
/// (batch, head) pair per parallel chunk. The forward keeps the attention probabilities
/// [B, heads, N, M] for the pullback, which gives dQ, dK and dV, each only when wanted.
public func scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, heads: Int,
                                      mask: Tensor? = nil, scale: Float? = nil) -> Tensor {
    let dims = AttentionGeometry(query: query, key: key, value: value, heads: heads)
    let scale = scale ?? 1 / Float(dims.keyWidth).squareRoot()
    let maskStrides = mask.map { dims.maskStrides(of: $0) }

    let probabilities = Tensor(shape: [dims.batch, dims.heads, dims.queries, dims.keys]) { out in
        query.withUnsafeScalars { q in
            key.withUnsafeScalars { k in
                withOptionalScalars(mask) { m in
                    dims.forEachHead { b, h in
                        let scores = out.baseAddress! + dims.probabilitiesOffset(b, h)
                        gemm(q.baseAddress! + dims.queryOffset(b, h), k.baseAddress! + dims.keyOffset(b, h), scores,
                             m: dims.queries, n: dims.keys, k: dims.keyWidth, transposingB: true, alpha: scale,
                             lda: dims.queryRowStride, ldb: dims.queryRowStride, ldc: dims.keys)
                        for i in 0..<dims.queries {
                            let row = scores + i * dims.keys
                            if let m, let s = maskStrides {
                                let maskRow = m.baseAddress! + b * s[0] + h * s[1] + i * s[2]
                                for j in 0..<dims.keys where maskRow[j * s[3]] == 0 { row[j] = -.infinity }
                            }
                            softmaxRowInPlace(row, count: dims.keys)
                        }
                    }
                }
            }
        }
    }

    let output = Tensor(shape: [dims.batch, dims.queries, dims.heads * dims.valueWidth]) { out in
        probabilities.withUnsafeScalars { p in
            value.withUnsafeScalars { v in
                dims.forEachHead { b, h in
                    gemm(p.baseAddress! + dims.probabilitiesOffset(b, h), v.baseAddress! + dims.valueOffset(b, h),
                         out.baseAddress! + dims.outputOffset(b, h), m: dims.queries, n: dims.valueWidth, k: dims.keys,
                         lda: dims.keys, ldb: dims.valueRowStride, ldc: dims.valueRowStride)
                }
            }
        }
    }

    return output.recorded("scaledDotProductAttention", inputs: [query, key, value]) { dOutput, wanted in
        dOutput.withUnsafeScalars { dO in
            probabilities.withUnsafeScalars { p in
                // dV_h = P_hᵀ dO_h.
                let dValue: Tensor? = wanted[2] ? Tensor(shape: value.shape) { dv in
                    dims.forEachHead { b, h in
                        gemm(p.baseAddress! + dims.probabilitiesOffset(b, h), dO.baseAddress! + dims.outputOffset(b, h),
                             dv.baseAddress! + dims.valueOffset(b, h), m: dims.keys, n: dims.valueWidth, k: dims.queries,
                             transposingA: true, lda: dims.keys, ldb: dims.valueRowStride, ldc: dims.valueRowStride)
                    }
                } : nil
                guard wanted[0] || wanted[1] else { return [nil, nil, dValue] }

                // dS_h = P_h ∘ (dP_h − rowsum(dP_h ∘ P_h)) with dP_h = dO_h V_hᵀ: the scores' cotangent.
                let dScores = Tensor(shape: probabilities.shape) { ds in
                    value.withUnsafeScalars { v in
                        dims.forEachHead { b, h in
                            let offset = dims.probabilitiesOffset(b, h)
                            gemm(dO.baseAddress! + dims.outputOffset(b, h), v.baseAddress! + dims.valueOffset(b, h),
                                 ds.baseAddress! + offset, m: dims.queries, n: dims.keys, k: dims.valueWidth,
                                 transposingB: true, lda: dims.valueRowStride, ldb: dims.valueRowStride, ldc: dims.keys)
                            for i in 0..<dims.queries {
                                let dsRow = ds.baseAddress! + offset + i * dims.keys
                                let pRow = p.baseAddress! + offset + i * dims.keys
                                var dot: Float = 0
                                for j in 0..<dims.keys { dot = Relaxed.multiplyAdd(dsRow[j], pRow[j], dot) }
                                for j in 0..<dims.keys { dsRow[j] = pRow[j] * (dsRow[j] - dot) }
                            }
                        }
                    }
                }
                return dScores.withUnsafeScalars { ds in
                    // dQ_h = scale · dS_h K_h.
                    let dQuery: Tensor? = wanted[0] ? Tensor(shape: query.shape) { dq in
                        key.withUnsafeScalars { k in
                            dims.forEachHead { b, h in
                                gemm(ds.baseAddress! + dims.probabilitiesOffset(b, h), k.baseAddress! + dims.keyOffset(b, h),
                                     dq.baseAddress! + dims.queryOffset(b, h), m: dims.queries, n: dims.keyWidth, k: dims.keys,
                                     alpha: scale, lda: dims.keys, ldb: dims.queryRowStride, ldc: dims.queryRowStride)
                            }
                        }
                    } : nil
                    // dK_h = scale · dS_hᵀ Q_h.
                    let dKey: Tensor? = wanted[1] ? Tensor(shape: key.shape) { dk in
                        query.withUnsafeScalars { q in
                            dims.forEachHead { b, h in
                                gemm(ds.baseAddress! + dims.probabilitiesOffset(b, h), q.baseAddress! + dims.queryOffset(b, h),
                                     dk.baseAddress! + dims.keyOffset(b, h), m: dims.keys, n: dims.keyWidth, k: dims.queries,
                                     transposingA: true, alpha: scale,
                                     lda: dims.keys, ldb: dims.queryRowStride, ldc: dims.queryRowStride)
                            }
                        }
                    } : nil
                    return [dQuery, dKey, dValue]
                }
            }
        }
    }
}

/// The sizes of an attention problem and where each (batch, head) block lies in the packed tensors.
private struct AttentionGeometry {
    let batch: Int, queries: Int, keys: Int, heads: Int, keyWidth: Int, valueWidth: Int

    init(query: Tensor, key: Tensor, value: Tensor, heads: Int) {
        let shapes = "query \(query.shape), key \(key.shape), value \(value.shape), heads \(heads)"
        precondition(query.rank == 3 && key.rank == 3 && value.rank == 3,
                     "scaledDotProductAttention: inputs must be [B, tokens, features]; got \(shapes)")
        precondition(key.shape[0] == query.shape[0] && value.shape[0] == query.shape[0]
                     && value.shape[1] == key.shape[1] && key.shape[2] == query.shape[2] && key.shape[1] > 0,
                     "scaledDotProductAttention: mismatched \(shapes)")
        precondition(heads > 0 && query.shape[2] % heads == 0 && value.shape[2] % heads == 0,
                     "scaledDotProductAttention: feature widths do not split into heads: \(shapes)")
        batch = query.shape[0]; queries = query.shape[1]; keys = key.shape[1]; self.heads = heads
        keyWidth = query.shape[2] / heads; valueWidth = value.shape[2] / heads
    }

    /// Row strides of the query/key and value/output matrices (all heads side by side).
    var queryRowStride: Int { heads * keyWidth }
    var valueRowStride: Int { heads * valueWidth }

    func queryOffset(_ b: Int, _ h: Int) -> Int { b * queries * queryRowStride + h * keyWidth }
    func keyOffset(_ b: Int, _ h: Int) -> Int { b * keys * queryRowStride + h * keyWidth }
    func valueOffset(_ b: Int, _ h: Int) -> Int { b * keys * valueRowStride + h * valueWidth }
    func outputOffset(_ b: Int, _ h: Int) -> Int { b * queries * valueRowStride + h * valueWidth }
    func probabilitiesOffset(_ b: Int, _ h: Int) -> Int { (b * heads + h) * queries * keys }

    /// Runs `body` for every (batch, head) pair, one pair per parallel chunk.
    func forEachHead(_ body: (_ b: Int, _ h: Int) -> Void) {
        parallelFor(batch * heads) { body($0 / heads, $0 % heads) }
    }

    /// The strides that read `mask` as [B, heads, N, M] (0 along broadcast axes).
    func maskStrides(of mask: Tensor) -> [Int] {
        let target = [batch, heads, queries, keys]
        precondition(mask.rank <= 4 && broadcastShape(mask.shape, target, function: "scaledDotProductAttention") == target,
                     "scaledDotProductAttention: mask of shape \(mask.shape) does not broadcast to \(target)")
        return broadcastStrides(mask.shape, to: target)
    }
}

/// Runs `body` with the scalars of `tensor`, or with nil when there is no tensor.
private func withOptionalScalars<R>(_ tensor: Tensor?, _ body: (UnsafeBufferPointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.withUnsafeScalars { body($0) }
}
