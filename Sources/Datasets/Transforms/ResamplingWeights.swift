/// The kernel a resampling pass weighs source pixels with, as a function of the distance from the
/// output pixel's centre measured in source pixels (scaled by the shrink factor when shrinking).
enum ResamplingFilter {
    /// A box of width 1: with the shrink factor's scaling, the average over the output pixel's area.
    case box
    /// Keys' cubic convolution with a = −0.5, as Pillow's BICUBIC.
    case bicubic

    /// Half the width of the kernel, where it becomes zero.
    var support: Double {
        switch self {
        case .box: 0.5
        case .bicubic: 2
        }
    }

    func weight(at x: Double) -> Double {
        switch self {
        case .box:
            // Half-open, so a source pixel on a boundary between two outputs counts for one of them only.
            return x > -0.5 && x <= 0.5 ? 1 : 0
        case .bicubic:
            let a = -0.5, t = abs(x)
            if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
            if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0
        }
    }
}

/// For each output position along one axis: the source pixels it reads and their weights, which sum to 1.
///
/// Output pixel i covers source coordinates [i·s, (i+1)·s) with s = source / target; the kernel is
/// centred on (i + ½)·s and, when shrinking, stretched by s so that it averages instead of skipping
/// pixels. Source pixels are weighed by the kernel at their centres; where the kernel reaches past
/// the image's edge the weights of the pixels inside are renormalised (no edge extension). This is
/// the scheme of Pillow's `Image.resize` (libImaging/Resample.c), computed in Double.
struct ResamplingWeights {
    /// The first source pixel each output pixel reads.
    let firstSource: [Int]
    /// How many consecutive source pixels each output pixel reads.
    let taps: [Int]
    /// `weights[i * maxTaps + k]` weighs source pixel `firstSource[i] + k` for output pixel i.
    let weights: [Float]
    let maxTaps: Int

    init(sourceSize: Int, targetSize: Int, filter: ResamplingFilter) {
        precondition(sourceSize > 0 && targetSize > 0, "ResamplingWeights: sizes \(sourceSize) → \(targetSize)")
        let scale = Double(sourceSize) / Double(targetSize)
        let stretch = max(scale, 1)
        let reach = filter.support * stretch
        let maxTaps = Int((reach * 2).rounded(.up)) + 1
        var firstSource = [Int](repeating: 0, count: targetSize)
        var taps = [Int](repeating: 0, count: targetSize)
        var weights = [Float](repeating: 0, count: targetSize * maxTaps)
        for i in 0..<targetSize {
            let centre = (Double(i) + 0.5) * scale
            let first = max(0, Int((centre - reach + 0.5).rounded(.down)))
            let end = min(sourceSize, Int((centre + reach + 0.5).rounded(.down)))
            let count = max(0, end - first)
            var total = 0.0
            for k in 0..<count { total += filter.weight(at: (Double(first + k) - centre + 0.5) / stretch) }
            for k in 0..<count {
                let w = filter.weight(at: (Double(first + k) - centre + 0.5) / stretch)
                weights[i * maxTaps + k] = Float(total == 0 ? w : w / total)
            }
            firstSource[i] = first
            taps[i] = count
        }
        self.firstSource = firstSource
        self.taps = taps
        self.weights = weights
        self.maxTaps = maxTaps
    }
}
