/// A copy of an NCHW tensor in channels-last order [N, H, W, C], where the channels of one position
/// are contiguous: the layout of `DepthwiseConvolution`'s kernels.
struct ChannelsLast {
    let storage: TensorStorage
    let height: Int, width: Int, channels: Int

    /// x [N, C, H, W] transposed to [N, H, W, C].
    init(_ x: Tensor) {
        precondition(x.rank == 4, "ChannelsLast: shape \(x.shape) is not [N, C, H, W]")
        let (batch, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        (height, width, channels) = (h, w, c)
        let storage = TensorStorage(uninitializedCount: x.count)
        x.withUnsafeScalars { xs in
            parallelFor(batch) { n in
                Self.transpose(xs.baseAddress! + n * c * h * w, rows: c, columns: h * w,
                               into: storage.pointer + n * c * h * w)
            }
        }
        self.storage = storage
    }

    /// The C channels of image n at (y, x).
    @inline(__always)
    func pointer(_ n: Int, _ y: Int, _ x: Int) -> UnsafeMutablePointer<Float> {
        storage.pointer + ((n * height + y) * width + x) * channels
    }

    /// A tensor of `shape` [N, C, H, W] from its channels-last values [N, H, W, C].
    static func toChannelsFirst(_ values: TensorStorage, _ shape: [Int]) -> Tensor {
        let (c, spatial) = (shape[1], shape[2] * shape[3])
        return Tensor(shape: shape) { out in
            withExtendedLifetime(values) {
                parallelFor(shape[0]) { n in
                    transpose(values.pointer + n * c * spatial, rows: spatial, columns: c,
                              into: out.baseAddress! + n * c * spatial)
                }
            }
        }
    }

    /// target[j·rows + i] = source[i·columns + j]: a [rows, columns] matrix transposed, in 8×8
    /// blocks of vector registers, the edges that do not fill a block one value at a time.
    static func transpose(_ source: UnsafePointer<Float>, rows: Int, columns: Int,
                          into target: UnsafeMutablePointer<Float>) {
        let blockRows = rows / 8 * 8, blockColumns = columns / 8 * 8
        for i in stride(from: 0, to: blockRows, by: 8) {
            for j in stride(from: 0, to: blockColumns, by: 8) {
                transposeBlock(source + i * columns + j, rowStride: columns, into: target + j * rows + i, rowStride: rows)
            }
        }
        // The columns right of the blocks, each written contiguously; then the rows below them.
        for j in blockColumns..<columns {
            for i in 0..<rows { target[j * rows + i] = source[i * columns + j] }
        }
        for i in blockRows..<rows {
            for j in 0..<blockColumns { target[j * rows + i] = source[i * columns + j] }
        }
    }

    /// The 8×8 block at `source` (rows `sourceStride` apart) transposed into `target`. Three perfect
    /// unshuffles of the 64 values (evens first, then odds) each rotate the 6-bit index right by one,
    /// so together they map row-major (r, c) to (c, r).
    @inline(__always)
    private static func transposeBlock(_ source: UnsafePointer<Float>, rowStride sourceStride: Int,
                                       into target: UnsafeMutablePointer<Float>, rowStride targetStride: Int) {
        func row(_ k: Int) -> SIMD8<Float> { UnsafeRawPointer(source + k * sourceStride).loadUnaligned(as: SIMD8<Float>.self) }
        var block = (row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
        for _ in 0..<3 {
            let (a, b, c, d, e, f, g, h) = block
            block = (SIMD8(lowHalf: a.evenHalf, highHalf: b.evenHalf), SIMD8(lowHalf: c.evenHalf, highHalf: d.evenHalf),
                     SIMD8(lowHalf: e.evenHalf, highHalf: f.evenHalf), SIMD8(lowHalf: g.evenHalf, highHalf: h.evenHalf),
                     SIMD8(lowHalf: a.oddHalf, highHalf: b.oddHalf), SIMD8(lowHalf: c.oddHalf, highHalf: d.oddHalf),
                     SIMD8(lowHalf: e.oddHalf, highHalf: f.oddHalf), SIMD8(lowHalf: g.oddHalf, highHalf: h.oddHalf))
        }
        func store(_ k: Int, _ values: SIMD8<Float>) {
            UnsafeMutableRawPointer(target + k * targetStride).storeBytes(of: values, as: SIMD8<Float>.self)
        }
        store(0, block.0); store(1, block.1); store(2, block.2); store(3, block.3)
        store(4, block.4); store(5, block.5); store(6, block.6); store(7, block.7)
    }
}
