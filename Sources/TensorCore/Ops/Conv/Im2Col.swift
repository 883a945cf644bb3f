// The im2col and col2im kernels: the rearrangement that turns a convolution into a GEMM.
//
// One image [Cin, H, W] maps to its columns [Cin·kh·kw, Ho·Wo]: row (c·kh + i)·kw + j, column
// oy·Wo + ox holds x[c, oy·stride − top + i, ox·stride − left + j], or 0 where that lies in the
// padding. The inner loops run over ox, contiguous in the columns (and in the image when stride is 1).

/// Writes the columns [Cin·kh·kw, Ho·Wo] of one image [Cin, H, W]; consecutive rows are `rowStride`
/// apart (Ho·Wo when the image has the columns to itself, more when several images sit side by side).
func im2col(_ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>, rowStride: Int,
            _ g: ConvGeometry) {
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
/// [Cin, H, W] they were read from (the adjoint of `im2col`); padding positions are dropped.
func col2im(_ columns: UnsafePointer<Float>, addingInto image: UnsafeMutablePointer<Float>, rowStride: Int,
            _ g: ConvGeometry) {
    let rowRanges = g.validOutputRows, columnRanges = g.validOutputColumns
    let (h, w, ho, wo, s) = (g.height, g.width, g.outHeight, g.outWidth, g.stride)
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
