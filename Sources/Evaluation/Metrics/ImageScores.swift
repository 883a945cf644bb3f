/// Quality scores of each image of a batch, index-aligned with the batch: `psnr[i]` is image i's.
///
/// All are measured on pixels mapped from [−1, 1] to [0, 1] and clipped there.
public struct ImageScores: Equatable, Sendable {
    /// Peak signal-to-noise ratio in dB with data range 1: 10·log10(1 / MSE), at most `ImageMetrics.maximumPSNR`.
    public var psnr: [Double]
    /// Mean structural similarity, averaged over channels (1 for identical images); empty when not computed.
    public var ssim: [Double]
    /// Mean absolute difference.
    public var l1: [Double]
    /// Mean squared difference.
    public var mse: [Double]

    public init(psnr: [Double], ssim: [Double], l1: [Double], mse: [Double]) {
        self.psnr = psnr
        self.ssim = ssim
        self.l1 = l1
        self.mse = mse
    }

    /// The number of images scored.
    public var count: Int { psnr.count }

    /// The batch's mean of per-image PSNR (not the PSNR of the batch's mean squared error).
    public var meanPSNR: Double { mean(psnr) }
    public var meanSSIM: Double { mean(ssim) }
    public var meanL1: Double { mean(l1) }
    public var meanMSE: Double { mean(mse) }

    private func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }
}
