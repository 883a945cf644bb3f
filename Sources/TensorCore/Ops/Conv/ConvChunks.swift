/// How a convolution's batch is cut into chunks of images whose columns sit side by side, so that
/// each GEMM is wide enough to run BLAS efficiently.
///
/// One image's output of 8×8 or 16×16 positions makes a GEMM too narrow to amortise BLAS's packing;
/// k images side by side make its n = k·Ho·Wo. Chunks are spread over threads, so there are at least
/// two when the batch allows. The cut depends only on the problem's shape, never on the thread count,
/// so results are the same for any number of threads.
struct ConvChunks {
    /// Images per chunk (the last chunk may have fewer).
    let imagesPerChunk: Int
    let count: Int
    let batch: Int

    /// Columns per GEMM aimed for: enough for BLAS to approach its peak on these shapes.
    static let targetColumns = 1024

    init(_ g: ConvGeometry) {
        batch = g.batch
        let wanted = (Self.targetColumns + g.outSpatial - 1) / max(1, g.outSpatial)
        imagesPerChunk = max(1, min(wanted, (g.batch + 1) / 2))
        count = (g.batch + imagesPerChunk - 1) / imagesPerChunk
    }

    /// The images of chunk `index`.
    func images(_ index: Int) -> Range<Int> {
        (index * imagesPerChunk)..<min(batch, (index + 1) * imagesPerChunk)
    }
}

extension ConvGeometry {
    /// The columns [groups·patchSize, k·Ho·Wo] of k images side by side, image j at column j·Ho·Wo.
    func chunkColumnsCount(images k: Int) -> Int { groups * patchSize * k * outSpatial }
}
