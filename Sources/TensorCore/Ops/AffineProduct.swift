/// x·Wᵀ + b over the last axis of x, as PyTorch's `F.linear`: x […, in], weight [out, in], bias [out]
/// or nil → […, out]. All leading axes of x together form the rows of one GEMM.
///
/// One primitive rather than `matmul` then `+`: the output starts as the bias, row by row, and the
/// GEMM adds the product into it (beta 1), so the bias costs no second pass over the output; its
/// gradient is the column sums of the cotangent. The pullback gives dx = g·W, dW = gᵀ·x and db.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(weight.rank == 2, "linear: weight of shape \(weight.shape) is not [out, in]")
    let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
    precondition(x.rank >= 1 && x.shape[x.rank - 1] == inFeatures,
                 "linear: input of shape \(x.shape) does not end in \(inFeatures) (weight \(weight.shape))")
    precondition(bias == nil || bias!.shape == [outFeatures],
                 "linear: bias of shape \(bias!.shape) is not [\(outFeatures)]")
    let rows = x.count / max(inFeatures, 1)
    var outputShape = x.shape
    outputShape[x.rank - 1] = outFeatures
    let output = Tensor(shape: outputShape) { out in
        x.withUnsafeScalars { xs in
            weight.withUnsafeScalars { ws in
                let y = out.baseAddress!
                if let bias {
                    bias.withUnsafeScalars { b in
                        for row in 0..<rows { (y + row * outFeatures).update(from: b.baseAddress!, count: outFeatures) }
                    }
                }
                if inFeatures == 0 {
                    if bias == nil { out.initialize(repeating: 0) }
                    return
                }
                gemm(xs.baseAddress!, ws.baseAddress!, y, m: rows, n: outFeatures, k: inFeatures,
                     transposingB: true, beta: bias == nil ? 0 : 1)
            }
        }
    }
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return output.recorded("linear", inputs: inputs) { g, wanted in
        var cotangents: [Tensor?] = [
            wanted[0] ? Tensor(shape: x.shape) { dx in
                g.withUnsafeScalars { gs in
                    weight.withUnsafeScalars { ws in
                        gemm(gs.baseAddress!, ws.baseAddress!, dx.baseAddress!, m: rows, n: inFeatures, k: outFeatures)
                    }
                }
            } : nil,
            wanted[1] ? Tensor(shape: weight.shape) { dw in
                g.withUnsafeScalars { gs in
                    x.withUnsafeScalars { xs in
                        gemm(gs.baseAddress!, xs.baseAddress!, dw.baseAddress!, m: outFeatures, n: inFeatures, k: rows,
                             transposingA: true)
                    }
                }
            } : nil,
        ]
        if bias != nil {
            cotangents.append(wanted[2] ? g.reshaped(to: [rows, outFeatures]).sum(alongAxes: [0]) : nil)
        }
        return cotangents
    }
}
