/// The im2col and col2im kernels: the rearrangement that turns a convolution into a GEMM.
///
/// One image [Cin, H, W] maps to its columns [Cin·kh·kw, Ho·Wo]: row (c·kh + i)·kw + j, column
/// oy·Wo + ox holds x[c, oy·stride − top + i, ox·stride − left + j], or 0 where that lies in the
/// padding. The inner loops run over ox, contiguous in the columns (and in the image when stride is 1).
extension ConvGeometry {
    /// For each kernel row i, the output rows oy that read inside the image.
    var validOutputRows: [Range<Int>] {
        (0..<kernelHeight).map {
            Self.validOutputs(kernelOffset: $0, pad: padding.top, inputSize: height, outputSize: outHeight,
                              stride: stride)
        }
    }

    /// For each kernel column j, the output columns ox that read inside the image.
    var validOutputColumns: [Range<Int>] {
        (0..<kernelWidth).map {
            Self.validOutputs(kernelOffset: $0, pad: padding.left, inputSize: width, outputSize: outWidth,
                              stride: stride)
        }
    }
}

/// Writes the columns [Cin·kh·kw, Ho·Wo] of one image [Cin, H, W].
func im2col(_ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
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
                    out.update(repeating: 0, count: valid.lowerBound)
                    if s == 1 {
                        (out + valid.lowerBound).update(from: source, count: valid.count)
                    } else {
                        for (k, ox) in valid.enumerated() { out[ox] = source[k * s] }
                    }
                    (out + valid.upperBound).update(repeating: 0, count: wo - valid.upperBound)
                }
                row += ho * wo
            }
        }
    }
}

/// Adds the columns [Cin·kh·kw, Ho·Wo] back onto the positions of one image [Cin, H, W] they were
/// read from (the adjoint of `im2col`); padding positions are dropped.
func col2im(_ columns: UnsafePointer<Float>, addingInto image: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
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
                row += ho * wo
            }
        }
    }
}
