/// Nearest-neighbour upsampling of NCHW images by an integer factor.
extension Tensor {
    /// Each pixel of an [N, C, H, W] tensor repeated into a `factor`×`factor` block, giving
    /// [N, C, H·factor, W·factor] (PyTorch's `F.interpolate(x, scale_factor=factor, mode="nearest")`).
    /// The pullback sums the cotangent over each block.
    public func upsampledNearest(factor: Int) -> Tensor {
        precondition(rank == 4 && factor >= 1, "upsampledNearest: needs an NCHW tensor and factor ≥ 1, got shape \(shape), factor \(factor)")
        if factor == 1 { return self }
        let k = factor, planes = shape[0] * shape[1], height = shape[2], width = shape[3]
        let inputShape = shape
        let wideWidth = width * k, blockSize = k * wideWidth
        let chunkCount = movementChunkCount(items: planes, elements: count * k * k)
        let result = Tensor(shape: [shape[0], shape[1], height * k, wideWidth]) { out in
            withUnsafeScalars { input in
                let x = input.baseAddress!, y = out.baseAddress!
                parallelFor(chunkCount) { chunk in
                    for row in chunkRange(chunk, of: chunkCount, items: planes * height) {
                        // Widen input row `row` once, then repeat the wide row k − 1 times.
                        let source = x + row * width, first = y + row * blockSize
                        for column in 0..<width {
                            (first + column * k).update(repeating: source[column], count: k)
                        }
                        for copy in 1..<k { (first + copy * wideWidth).update(from: first, count: wideWidth) }
                    }
                }
            }
        }
        return result.recorded("upsampleNearest", inputs: [self]) { g, _ in
            [Tensor(shape: inputShape) { dx in
                g.withUnsafeScalars { cotangent in
                    let gy = cotangent.baseAddress!, gx = dx.baseAddress!
                    parallelFor(chunkCount) { chunk in
                        for row in chunkRange(chunk, of: chunkCount, items: planes * height) {
                            let target = gx + row * width, block = gy + row * blockSize
                            target.update(repeating: 0, count: width)
                            for copy in 0..<k {
                                let wide = block + copy * wideWidth
                                for column in 0..<width {
                                    var total: Float = 0
                                    for j in 0..<k { total += wide[column * k + j] }
                                    target[column] += total
                                }
                            }
                        }
                    }
                }
            }]
        }
    }
}
