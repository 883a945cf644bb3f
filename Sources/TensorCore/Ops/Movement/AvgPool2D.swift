/// Average pooling over the spatial axes of NCHW images.
extension Tensor {
    /// The mean of each `kernel`×`kernel` window of an [N, C, H, W] tensor, windows `stride` apart,
    /// after zero padding of `padding` on every side (PyTorch's `F.avg_pool2d` with its defaults
    /// `ceil_mode=False, count_include_pad=True`: padded zeros count, so every window divides by
    /// kernel²). Output extents are ⌊(H + 2·padding − kernel) / stride⌋ + 1. The pullback spreads
    /// each cotangent value evenly over its window.
    public func avgPool2d(kernel: Int, stride: Int, padding: Int = 0) -> Tensor {
        precondition(rank == 4 && kernel >= 1 && stride >= 1 && padding >= 0 && padding <= kernel / 2,
                     "avgPool2d: needs an NCHW tensor, kernel, stride ≥ 1 and 0 ≤ padding ≤ kernel/2; "
                     + "got shape \(shape), kernel \(kernel), stride \(stride), padding \(padding)")
        let height = shape[2], width = shape[3]
        precondition(height + 2 * padding >= kernel && width + 2 * padding >= kernel,
                     "avgPool2d: kernel \(kernel) larger than padded input of shape \(shape), padding \(padding)")
        let window = PoolingWindows(kernel: kernel, stride: stride, padding: padding, height: height, width: width)
        let planes = shape[0] * shape[1], inputShape = shape
        let scale = 1 / Float(kernel * kernel)
        let chunkCount = movementChunkCount(items: planes, elements: count + planes * window.outputCount * kernel * kernel)
        let result = Tensor(shape: [shape[0], shape[1], window.outputHeight, window.outputWidth]) { out in
            withUnsafeScalars { input in
                let x = input.baseAddress!, y = out.baseAddress!
                parallelFor(chunkCount) { chunk in
                    for plane in chunkRange(chunk, of: chunkCount, items: planes) {
                        let source = x + plane * height * width, target = y + plane * window.outputCount
                        window.forEach { output, rows, columns in
                            var total: Float = 0
                            for row in rows {
                                for column in columns { total += source[row * width + column] }
                            }
                            target[output] = total * scale
                        }
                    }
                }
            }
        }
        return result.recorded("avgPool2d", inputs: [self]) { g, _ in
            [Tensor(shape: inputShape) { dx in
                g.withUnsafeScalars { cotangent in
                    let gy = cotangent.baseAddress!, gx = dx.baseAddress!
                    parallelFor(chunkCount) { chunk in
                        for plane in chunkRange(chunk, of: chunkCount, items: planes) {
                            let source = gy + plane * window.outputCount, target = gx + plane * height * width
                            target.update(repeating: 0, count: height * width)
                            window.forEach { output, rows, columns in
                                let share = source[output] * scale
                                for row in rows {
                                    for column in columns { target[row * width + column] += share }
                                }
                            }
                        }
                    }
                }
            }]
        }
    }
}

/// The windows of a 2-D pooling: for each output position, the input rows and columns it covers,
/// clipped to the unpadded input (padding contributes zeros).
struct PoolingWindows {
    let outputHeight: Int, outputWidth: Int
    /// The input rows of each output row, and the input columns of each output column.
    let rows: [Range<Int>], columns: [Range<Int>]
    var outputCount: Int { outputHeight * outputWidth }

    init(kernel: Int, stride: Int, padding: Int, height: Int, width: Int) {
        func windows(along extent: Int) -> [Range<Int>] {
            (0..<(extent + 2 * padding - kernel) / stride + 1).map { position in
                let start = position * stride - padding
                return max(start, 0)..<min(start + kernel, extent)
            }
        }
        rows = windows(along: height)
        columns = windows(along: width)
        outputHeight = rows.count
        outputWidth = columns.count
    }

    /// Calls `body(outputIndex, inputRows, inputColumns)` for every output position, row-major.
    @inline(__always)
    func forEach(_ body: (Int, Range<Int>, Range<Int>) -> Void) {
        for (outputRow, rowRange) in rows.enumerated() {
            for (outputColumn, columnRange) in columns.enumerated() {
                body(outputRow * outputWidth + outputColumn, rowRange, columnRange)
            }
        }
    }
}
