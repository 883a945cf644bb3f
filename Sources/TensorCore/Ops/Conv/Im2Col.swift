// The im2col and col2im kernels: the rearrangement that turns a convolution into a GEMM.
//
// One image [Cin, H, W] maps to its columns [Cin·kh·kw, Ho·Wo]: row (c·kh + i)·kw + j, column
// oy·Wo + ox holds x[c, oy·stride − top + i, ox·stride − left + j], or 0 where that lies in the
// padding. The inner loops run over ox, contiguous in the columns (and in the image when stride is 1).

/// Writes the columns [Cin·kh·kw, Ho·Wo] of one image [Cin, H, W]; consecutive rows are `rowStride`
/// apart (Ho·Wo when the image has the columns to itself, more when several images sit side by side).
func im2col(_ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>, rowStride: Int,
            _ g: ConvGeometry) {
    if g.keepsWidth { return im2colKeepingWidth(image, into: columns, rowStride: rowStride, g) }
    let rowRanges = g.validOutputRows, columnRanges = g.validOutputColumns
    let (h, w, ho, wo, s) = (g.height, g.width, g.outHeight, g.outWidth, g.stride)
    var row = columns
    for c in 0..<g.inChannels {
        let plane = image + c * h * w
        for i in 0..<g.kernelHeight {
            for j in 0..<g.kernelWidth {
                let valid = columnRanges[j]
                for oy in 0..<ho {
                    let out = row + oy * wo
                    guard rowRanges[i].contains(oy), !valid.isEmpty else {
                        out.update(repeating: 0, count: wo)
                        continue
                    }
                    let source = plane + (oy * s - g.padding.top + i) * w + (valid.lowerBound * s - g.padding.left + j)
                    let target = out + valid.lowerBound
                    out.update(repeating: 0, count: valid.lowerBound)
                    if s == 1 {
                        target.update(from: source, count: valid.count)
                    } else {
                        for k in 0..<valid.count { target[k] = source[k * s] }
                    }
                    (out + valid.upperBound).update(repeating: 0, count: wo - valid.upperBound)
                }
                row += rowStride
            }
        }
    }
}

/// Adds the columns [Cin·kh·kw, Ho·Wo] (rows `rowStride` apart) back onto the positions of one image
/// [Cin, H, W] they were read from (the adjoint of `im2col`); padding positions are dropped. The
/// columns are scratch: the fast path zeroes their padding entries.
func col2im(_ columns: UnsafeMutablePointer<Float>, addingInto image: UnsafeMutablePointer<Float>, rowStride: Int,
            _ g: ConvGeometry) {
    if g.keepsWidth { return col2imKeepingWidth(columns, addingInto: image, rowStride: rowStride, g) }
    let rowRanges = g.validOutputRows, columnRanges = g.validOutputColumns
    let (h, w, wo, s) = (g.height, g.width, g.outWidth, g.stride)
    var row = columns
    for c in 0..<g.inChannels {
        let plane = image + c * h * w
        for i in 0..<g.kernelHeight {
            for j in 0..<g.kernelWidth {
                let valid = columnRanges[j]
                if !valid.isEmpty {
                    for oy in rowRanges[i] {
                        let source = row + oy * wo + valid.lowerBound
                        let target = plane + (oy * s - g.padding.top + i) * w + (valid.lowerBound * s - g.padding.left + j)
                        if s == 1 {
                            for k in 0..<valid.count { target[k] += source[k] }
                        } else {
                            for k in 0..<valid.count { target[k * s] += source[k] }
                        }
                    }
                }
                row += rowStride
            }
        }
    }
}

// Stride 1 with Wo = W (a "same"-width convolution, e.g. 3×3 with padding 1): for kernel offset
// (i, j) the valid output rows oy ∈ R read the image rows oy + i − top, so the row's whole valid
// block is one contiguous run of the plane shifted by (i − top)·W + (j − left). One long copy (or
// add) per (c, i, j) replaces one short one per output row; the few entries that wrap around a row
// edge are the padding columns ox ∉ V, fixed up afterwards.

private func im2colKeepingWidth(_ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>,
                                rowStride: Int, _ g: ConvGeometry) {
    let rowRanges = g.validOutputRows, columnRanges = g.validOutputColumns
    let (h, w, ho) = (g.height, g.width, g.outHeight)
    var row = columns
    for c in 0..<g.inChannels {
        let plane = image + c * h * w
        for i in 0..<g.kernelHeight {
            let rows = rowRanges[i]
            for j in 0..<g.kernelWidth {
                let valid = columnRanges[j]
                row.update(repeating: 0, count: rows.lowerBound * w)
                (row + rows.upperBound * w).update(repeating: 0, count: (ho - rows.upperBound) * w)
                let run = shiftedRun(rows: rows, i: i, j: j, g)
                (row + run.column).update(from: plane + run.plane, count: run.count)
                zeroPaddingColumns(row, rows: rows, valid: valid, width: w)
                row += rowStride
            }
        }
    }
}

private func col2imKeepingWidth(_ columns: UnsafeMutablePointer<Float>, addingInto image: UnsafeMutablePointer<Float>,
                                rowStride: Int, _ g: ConvGeometry) {
    let rowRanges = g.validOutputRows, columnRanges = g.validOutputColumns
    let (h, w) = (g.height, g.width)
    var row = columns
    for c in 0..<g.inChannels {
        let plane = image + c * h * w
        for i in 0..<g.kernelHeight {
            let rows = rowRanges[i]
            for j in 0..<g.kernelWidth {
                zeroPaddingColumns(row, rows: rows, valid: columnRanges[j], width: w)
                let run = shiftedRun(rows: rows, i: i, j: j, g)
                let source = row + run.column, target = plane + run.plane
                for k in 0..<run.count { target[k] += source[k] }
                row += rowStride
            }
        }
    }
}

/// Zeroes the entries ox ∉ `valid` of the output rows `rows` of one column row. The loops run down
/// the columns (one or two entries per row), so they stay inline instead of becoming a memset call
/// per row.
@inline(__always)
private func zeroPaddingColumns(_ row: UnsafeMutablePointer<Float>, rows: Range<Int>, valid: Range<Int>, width w: Int) {
    for ox in 0..<valid.lowerBound { for oy in rows { row[oy * w + ox] = 0 } }
    for ox in valid.upperBound..<w { for oy in rows { row[oy * w + ox] = 0 } }
}

/// The contiguous run of a same-width convolution's column row (c, i, j) over the valid output rows:
/// `count` entries from offset `column` in the row, matching offset `plane` in the image plane, clipped
/// to the plane.
@inline(__always)
private func shiftedRun(rows: Range<Int>, i: Int, j: Int, _ g: ConvGeometry) -> (column: Int, plane: Int, count: Int) {
    let w = g.width
    let start = rows.lowerBound * w, end = rows.upperBound * w
    let shift = (i - g.padding.top) * w + (j - g.padding.left)
    let first = max(start, -shift), last = min(end, g.height * w - shift)
    return (first, first + shift, max(0, last - first))
}
