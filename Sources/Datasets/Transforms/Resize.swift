import ImageIO

extension Image {
    /// This image resampled to `width` × `height`: averaged over each output pixel's area (a box
    /// filter stretched by the shrink factor) along an axis that shrinks, bicubic (a = −0.5) along one
    /// that grows, untouched along one that keeps its size.
    ///
    /// Matches Pillow's `resize` with `BOX` (shrinking) or `BICUBIC` (growing) to ±1 grey level:
    /// Pillow rounds its intermediate image (after the horizontal pass) to 8 bits and uses fixed-point
    /// weights, while this keeps the intermediate in Float and rounds once at the end. For a
    /// non-integer shrink factor each source pixel counts wholly or not at all, by its centre, as in
    /// Pillow's BOX. Each axis chooses its own filter (Pillow uses one for both).
    public func resized(width targetWidth: Int, height targetHeight: Int) -> Image {
        precondition(targetWidth > 0 && targetHeight > 0, "Image.resized: target size \(targetWidth)×\(targetHeight)")
        if targetWidth == width && targetHeight == height { return self }
        var values = pixels.map(Float.init)
        var currentWidth = width
        if targetWidth != width {
            let weights = ResamplingWeights(sourceSize: width, targetSize: targetWidth,
                                            filter: targetWidth < width ? .box : .bicubic)
            values = resampleRows(values, height: height, width: width, channels: channels, weights: weights)
            currentWidth = targetWidth
        }
        if targetHeight != height {
            let weights = ResamplingWeights(sourceSize: height, targetSize: targetHeight,
                                            filter: targetHeight < height ? .box : .bicubic)
            values = resampleColumns(values, height: height, rowLength: currentWidth * channels, weights: weights)
        }
        let bytes = values.map { UInt8(clamping: Int($0.rounded())) }
        return Image(width: targetWidth, height: targetHeight, channels: channels, pixels: bytes)
    }

    /// This image scaled so that its shorter side is `length`, keeping the aspect ratio (the longer
    /// side rounded to the nearest pixel).
    public func resized(shorterSide length: Int) -> Image {
        precondition(length > 0, "Image.resized(shorterSide:): length \(length)")
        if width <= height {
            let newHeight = max(1, Int((Double(height) * Double(length) / Double(width)).rounded()))
            return resized(width: length, height: newHeight)
        }
        let newWidth = max(1, Int((Double(width) * Double(length) / Double(height)).rounded()))
        return resized(width: newWidth, height: length)
    }
}

/// Resamples each row of an HWC image held as Float: [height, width, channels] → [height, target, channels].
private func resampleRows(_ source: [Float], height: Int, width: Int, channels: Int,
                          weights: ResamplingWeights) -> [Float] {
    let targetWidth = weights.firstSource.count
    var result = [Float](repeating: 0, count: height * targetWidth * channels)
    source.withUnsafeBufferPointer { input in
        weights.weights.withUnsafeBufferPointer { w in
            result.withUnsafeMutableBufferPointer { output in
                for y in 0..<height {
                    let inRow = input.baseAddress! + y * width * channels
                    let outRow = output.baseAddress! + y * targetWidth * channels
                    for x in 0..<targetWidth {
                        let first = weights.firstSource[x], taps = weights.taps[x]
                        let tapWeights = w.baseAddress! + x * weights.maxTaps
                        for c in 0..<channels {
                            var sum: Float = 0
                            for k in 0..<taps { sum += tapWeights[k] * inRow[(first + k) * channels + c] }
                            // Clamped as an 8-bit image would be: bicubic overshoot at an edge
                            // must not carry into the vertical pass (Pillow clamps here too).
                            outRow[x * channels + c] = min(max(sum, 0), 255)
                        }
                    }
                }
            }
        }
    }
    return result
}

/// Resamples each column of an image held as Float rows of `rowLength` values: [height, rowLength]
/// → [target, rowLength].
private func resampleColumns(_ source: [Float], height: Int, rowLength: Int,
                             weights: ResamplingWeights) -> [Float] {
    let targetHeight = weights.firstSource.count
    var result = [Float](repeating: 0, count: targetHeight * rowLength)
    source.withUnsafeBufferPointer { input in
        result.withUnsafeMutableBufferPointer { output in
            for y in 0..<targetHeight {
                let outRow = output.baseAddress! + y * rowLength
                for k in 0..<weights.taps[y] {
                    let weight = weights.weights[y * weights.maxTaps + k]
                    let inRow = input.baseAddress! + (weights.firstSource[y] + k) * rowLength
                    for i in 0..<rowLength { outRow[i] += weight * inRow[i] }
                }
            }
        }
    }
    return result
}
