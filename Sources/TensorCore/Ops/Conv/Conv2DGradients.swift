// The input and weight gradients of `conv2d`, from the output's cotangent dY [N, Cout, Ho, Wo],
// chunk by chunk as the forward pass (`ConvChunks`). (The bias gradient is a plain sum of dY.)

/// dY of a chunk's images side by side, [Cout, k·Ho·Wo] (image j at column j·Ho·Wo); a lone image's
/// dY is used where it lies.
private func chunkCotangent(_ dy: UnsafePointer<Float>, images: Range<Int>, _ g: ConvGeometry,
                            _ body: (UnsafePointer<Float>) -> Void) {
    let first = dy + images.lowerBound * g.outChannels * g.outSpatial
    if images.count == 1 { return body(first) }
    let width = images.count * g.outSpatial
    let gathered = TensorStorage(uninitializedCount: g.outChannels * width)
    withExtendedLifetime(gathered) {
        for (j, n) in images.enumerated() {
            for channel in 0..<g.outChannels {
                let source = dy + (n * g.outChannels + channel) * g.outSpatial
                let target = gathered.pointer + channel * width + j * g.outSpatial
                for p in 0..<g.outSpatial { target[p] = source[p] }
            }
        }
        body(gathered.pointer)
    }
}

/// dx [N, Cin, H, W]. A stride-1 convolution's is itself a convolution (`inputGradientAsConvolution`);
/// otherwise, per chunk, dCols_g = W_gᵀ·dY_g ([patchSize, k·Ho·Wo] for each group g), then col2im of
/// each image's columns. For a lone image of a pointwise conv, W_gᵀ·dY_g is dx itself.
func conv2dInputGradient(_ dy: Tensor, weight: Tensor, _ g: ConvGeometry) -> Tensor {
    if let transposed = TransposedConvolution(g) { return transposed.inputGradient(dy, weight: weight) }
    let chunks = ConvChunks(g)
    return Tensor(shape: [g.batch, g.inChannels, g.height, g.width]) { dx in
        dy.withUnsafeScalars { dys in
            weight.withUnsafeScalars { ws in
                parallelFor(chunks.count) { chunk in
                    let images = chunks.images(chunk)
                    let width = images.count * g.outSpatial
                    chunkCotangent(dys.baseAddress!, images: images, g) { cotangent in
                        let firstImage = dx.baseAddress! + images.lowerBound * g.imageCount
                        if images.count == 1 && g.isPointwise {
                            return multiplyTransposedWeight(ws.baseAddress!, cotangent, into: firstImage, width: width, g)
                        }
                        let columns = TensorStorage(uninitializedCount: g.chunkColumnsCount(images: images.count))
                        withExtendedLifetime(columns) {
                            multiplyTransposedWeight(ws.baseAddress!, cotangent, into: columns.pointer, width: width, g)
                            for (j, n) in images.enumerated() {
                                let image = dx.baseAddress! + n * g.imageCount
                                image.update(repeating: 0, count: g.imageCount)
                                col2im(columns.pointer + j * g.outSpatial, addingInto: image, rowStride: width, g)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// dCols_g = W_gᵀ·dY_g for every group g: W_g [Cout/groups, patchSize], dY_g [Cout/groups, width],
/// dCols_g [patchSize, width].
private func multiplyTransposedWeight(_ w: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                      into columns: UnsafeMutablePointer<Float>, width: Int, _ g: ConvGeometry) {
    for group in 0..<g.groups {
        gemm(w + group * g.outChannelsPerGroup * g.patchSize, dy + group * g.outChannelsPerGroup * width,
             columns + group * g.patchSize * width,
             m: g.patchSize, n: width, k: g.outChannelsPerGroup, transposingA: true)
    }
}

/// At most this many partial sums of the weight gradient are accumulated in parallel.
let maxWeightGradientParts = 8

/// dW [Cout, Cin/groups, kh, kw] = Σ_chunks dY_g·cols_gᵀ for each group g. Without kept columns, a
/// convolution of one group runs on the implicit-GEMM kernel (`ImplicitGEMMConvolution.weightGradient`);
/// otherwise each chunk's columns are taken from `columns` (the forward pass's, when it kept them) or
/// recomputed by im2col (a lone image of a pointwise conv uses the image itself).
///
/// The chunks are split into fixed ranges, one partial sum each (GEMMs with beta 1), and the partials
/// are added in range order, so the result does not depend on the thread count.
func conv2dWeightGradient(_ dy: Tensor, input x: Tensor, columns kept: [TensorStorage?],
                          _ g: ConvGeometry) -> Tensor {
    if kept.isEmpty, let implicit = ImplicitGEMMConvolution(g) { return implicit.weightGradient(dy, input: x) }
    let chunks = ConvChunks(g)
    let parts = min(chunks.count, maxWeightGradientParts)
    return Tensor(shape: [g.outChannels, g.inChannelsPerGroup, g.kernelHeight, g.kernelWidth]) { dw in
        guard parts > 0 else { return dw.initialize(repeating: 0) }
        let partials = TensorStorage(uninitializedCount: (parts - 1) * g.weightCount)
        dy.withUnsafeScalars { dys in
            x.withUnsafeScalars { xs in
                parallelFor(parts) { part in
                    let sum = part == 0 ? dw.baseAddress! : partials.pointer + (part - 1) * g.weightCount
                    let chunkRange = (part * chunks.count / parts)..<((part + 1) * chunks.count / parts)
                    for chunk in chunkRange {
                        let images = chunks.images(chunk)
                        let width = images.count * g.outSpatial
                        let beta: Float = chunk == chunkRange.lowerBound ? 0 : 1
                        chunkCotangent(dys.baseAddress!, images: images, g) { cotangent in
                            if images.count == 1 && g.isPointwise {
                                let image = xs.baseAddress! + images.lowerBound * g.imageCount
                                return accumulateWeightGradient(cotangent, image, into: sum, width: width, beta: beta, g)
                            }
                            if let columns = kept.isEmpty ? nil : kept[chunk] {
                                return withExtendedLifetime(columns) {
                                    accumulateWeightGradient(cotangent, columns.pointer, into: sum, width: width, beta: beta, g)
                                }
                            }
                            let columns = TensorStorage(uninitializedCount: g.chunkColumnsCount(images: images.count))
                            withExtendedLifetime(columns) {
                                for (j, n) in images.enumerated() {
                                    im2col(xs.baseAddress! + n * g.imageCount, into: columns.pointer + j * g.outSpatial,
                                           rowStride: width, g)
                                }
                                accumulateWeightGradient(cotangent, columns.pointer, into: sum, width: width, beta: beta, g)
                            }
                        }
                    }
                }
            }
        }
        withExtendedLifetime(partials) {
            addPartials(partials.pointer, count: parts - 1, into: dw.baseAddress!, g.weightCount)
        }
    }
}

/// dW_g = dY_g·cols_gᵀ + beta·dW_g for every group g: dY_g [Cout/groups, width],
/// cols_g [patchSize, width], dW_g [Cout/groups, patchSize].
private func accumulateWeightGradient(_ dy: UnsafePointer<Float>, _ columns: UnsafePointer<Float>,
                                      into dw: UnsafeMutablePointer<Float>, width: Int, beta: Float,
                                      _ g: ConvGeometry) {
    for group in 0..<g.groups {
        gemm(dy + group * g.outChannelsPerGroup * width, columns + group * g.patchSize * width,
             dw + group * g.outChannelsPerGroup * g.patchSize,
             m: g.outChannelsPerGroup, n: g.patchSize, k: width, transposingB: true, beta: beta)
    }
}

/// total[i] += Σ_p partials[p·count + i] for p in order, over fixed blocks of elements in parallel.
func addPartials(_ partials: UnsafePointer<Float>, count parts: Int,
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
