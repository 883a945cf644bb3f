/// The copy behind the movement ops: a box of `shape` elements read from `source` with
/// `sourceStrides` and written to `destination` with `destinationStrides` (strides in elements).
///
/// A slice, a pad's interior, a concatenated part and a broadcast are all such boxes. Axes of
/// extent 1 are dropped and adjacent axes that are contiguous in both operands merged, so most
/// copies become a few long runs: `memcpy` where the source run is contiguous, a fill where it is
/// broadcast (stride 0). Large copies are split over threads in chunks fixed by the size alone.
func stridedCopy(shape: [Int], from source: UnsafePointer<Float>, strides sourceStrides: [Int],
                 to destination: UnsafeMutablePointer<Float>, strides destinationStrides: [Int]) {
    let total = shapeCount(shape)
    if total == 0 { return }
    let kept = shape.indices.filter { shape[$0] != 1 }
    if kept.isEmpty {
        destination[0] = source[0]
        return
    }
    let (runShape, strides) = coalescedAxes(
        shape: kept.map { shape[$0] }, strides: [kept.map { sourceStrides[$0] }, kept.map { destinationStrides[$0] }])
    let rank = runShape.count
    let runLength = runShape[rank - 1]
    let sourceStep = strides[0][rank - 1], destinationStep = strides[1][rank - 1]
    let outerShape = Array(runShape.dropLast())
    let runCount = shapeCount(outerShape)
    let chunkCount = movementChunkCount(items: runCount, elements: total)

    parallelFor(chunkCount) { chunk in
        let runs = chunkRange(chunk, of: chunkCount, items: runCount)
        var index = multiIndex(of: runs.lowerBound, in: outerShape)
        var sourceOffset = 0, destinationOffset = 0
        for axis in outerShape.indices {
            sourceOffset += index[axis] * strides[0][axis]
            destinationOffset += index[axis] * strides[1][axis]
        }
        for _ in runs {
            let s = source + sourceOffset, d = destination + destinationOffset
            switch (sourceStep, destinationStep) {
            case (1, 1): d.update(from: s, count: runLength)
            case (0, 1): d.update(repeating: s[0], count: runLength)
            default: for i in 0..<runLength { d[i * destinationStep] = s[i * sourceStep] }
            }
            // Advance the multi-index over the outer axes, updating both offsets.
            var axis = outerShape.count - 1
            while axis >= 0 {
                index[axis] += 1
                sourceOffset += strides[0][axis]
                destinationOffset += strides[1][axis]
                if index[axis] < outerShape[axis] { break }
                sourceOffset -= strides[0][axis] * outerShape[axis]
                destinationOffset -= strides[1][axis] * outerShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}

/// The number of chunks for `parallelFor` over `items` independent pieces of work that together
/// move `elements` values: one chunk per 64 Ki elements (less than that is not worth a thread),
/// at most one per item. It depends on the problem alone, never on the thread count.
func movementChunkCount(items: Int, elements: Int) -> Int {
    min(items, max(1, elements >> 16))
}

/// The items of chunk `chunk` when `items` are split into `chunkCount` nearly equal consecutive ranges.
func chunkRange(_ chunk: Int, of chunkCount: Int, items: Int) -> Range<Int> {
    chunk * items / chunkCount ..< (chunk + 1) * items / chunkCount
}

/// The row-major multi-index of element `flat` of an array of `shape`.
func multiIndex(of flat: Int, in shape: [Int]) -> [Int] {
    var index = [Int](repeating: 0, count: shape.count)
    var rest = flat
    for axis in shape.indices.reversed() {
        index[axis] = rest % shape[axis]
        rest /= shape[axis]
    }
    return index
}
