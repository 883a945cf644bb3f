// The input and weight gradients of `conv2d`, from the output's cotangent dY [N, Cout, Ho, Wo].
// (The bias gradient is a plain sum of dY over N, Ho and Wo.)

/// dx [N, Cin, H, W]: per image, dCols_g = W_gᵀ·dY_g ([patchSize, Ho·Wo] for each group g), then
/// col2im. For a pointwise conv W_gᵀ·dY_g is dx itself.
func conv2dInputGradient(_ dy: Tensor, weight: Tensor, _ g: ConvGeometry) -> Tensor {
    Tensor(shape: [g.batch, g.inChannels, g.height, g.width]) { dx in
        dy.withUnsafeScalars { dys in
            weight.withUnsafeScalars { ws in
                let cotangent = dys.baseAddress!, w = ws.baseAddress!, gradient = dx.baseAddress!
                parallelFor(g.batch) { n in
                    let image = gradient + n * g.imageCount
                    let dyImage = cotangent + n * g.outChannels * g.outSpatial
                    if g.isPointwise { return multiplyTransposedWeight(w, dyImage, into: image, g) }
                    let columns = TensorStorage(uninitializedCount: g.columnsCount)
                    withExtendedLifetime(columns) {
                        multiplyTransposedWeight(w, dyImage, into: columns.pointer, g)
                        image.update(repeating: 0, count: g.imageCount)
                        col2im(columns.pointer, addingInto: image, g)
                    }
                }
            }
        }
    }
}

/// dCols_g = W_gᵀ·dY_g for every group g of one image: W_g [Cout/groups, patchSize],
/// dY_g [Cout/groups, Ho·Wo], dCols_g [patchSize, Ho·Wo].
private func multiplyTransposedWeight(_ w: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                      into columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    for group in 0..<g.groups {
        gemm(w + group * g.outChannelsPerGroup * g.patchSize, dy + group * g.outChannelsPerGroup * g.outSpatial,
             columns + group * g.patchSize * g.outSpatial,
             m: g.patchSize, n: g.outSpatial, k: g.outChannelsPerGroup, transposingA: true)
    }
}

/// At most this many partial sums of the weight gradient are accumulated in parallel.
private let maxWeightGradientParts = 8

/// dW [Cout, Cin/groups, kh, kw] = Σₙ dYₙ_g·colsₙ_gᵀ for each group g, with each image's columns
/// recomputed by im2col (a pointwise conv uses the image itself).
///
/// The images are split into fixed ranges, one partial sum each (GEMMs with beta 1), and the partials
/// are added in range order, so the result does not depend on the thread count.
func conv2dWeightGradient(_ dy: Tensor, input x: Tensor, _ g: ConvGeometry) -> Tensor {
    let parts = min(g.batch, maxWeightGradientParts)
    return Tensor(shape: [g.outChannels, g.inChannelsPerGroup, g.kernelHeight, g.kernelWidth]) { dw in
        guard parts > 0 else { return dw.initialize(repeating: 0) }
        let partials = TensorStorage(uninitializedCount: (parts - 1) * g.weightCount)
        dy.withUnsafeScalars { dys in
            x.withUnsafeScalars { xs in
                parallelFor(parts) { part in
                    let sum = part == 0 ? dw.baseAddress! : partials.pointer + (part - 1) * g.weightCount
                    let images = (part * g.batch / parts)..<((part + 1) * g.batch / parts)
                    let scratch = TensorStorage(uninitializedCount: g.isPointwise ? 0 : g.columnsCount)
                    for n in images {
                        let image = xs.baseAddress! + n * g.imageCount
                        if !g.isPointwise { im2col(image, into: scratch.pointer, g) }
                        accumulateWeightGradient(dys.baseAddress! + n * g.outChannels * g.outSpatial,
                                                 g.isPointwise ? image : UnsafePointer(scratch.pointer),
                                                 into: sum, beta: n == images.lowerBound ? 0 : 1, g)
                    }
                    withExtendedLifetime(scratch) {}
                }
            }
        }
        withExtendedLifetime(partials) {
            addPartials(partials.pointer, count: parts - 1, into: dw.baseAddress!, g.weightCount)
        }
    }
}

/// dW_g = dY_g·cols_gᵀ + beta·dW_g for every group g of one image: dY_g [Cout/groups, Ho·Wo],
/// cols_g [patchSize, Ho·Wo], dW_g [Cout/groups, patchSize].
private func accumulateWeightGradient(_ dy: UnsafePointer<Float>, _ columns: UnsafePointer<Float>,
                                      into dw: UnsafeMutablePointer<Float>, beta: Float, _ g: ConvGeometry) {
    for group in 0..<g.groups {
        gemm(dy + group * g.outChannelsPerGroup * g.outSpatial, columns + group * g.patchSize * g.outSpatial,
             dw + group * g.outChannelsPerGroup * g.patchSize,
             m: g.outChannelsPerGroup, n: g.patchSize, k: g.outSpatial, transposingB: true, beta: beta)
    }
}

/// total[i] += Σ_p partials[p·count + i] for p in order, over fixed blocks of elements in parallel.
private func addPartials(_ partials: UnsafePointer<Float>, count parts: Int,
                         into total: UnsafeMutablePointer<Float>, _ count: Int) {
    guard parts > 0 else { return }
    let blockSize = 1 << 15
    parallelFor((count + blockSize - 1) / blockSize) { block in
        let range = (block * blockSize)..<min(count, (block + 1) * blockSize)
        for part in 0..<parts {
            let partial = partials + part * count
            for i in range { total[i] += partial[i] }
        }
    }
}
