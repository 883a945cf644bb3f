import TensorCore

/// Running means of PSNR, SSIM, L1 and MSE over many batches, so a whole test set (10,000 images)
/// can be evaluated without holding it: add each batch as it is reconstructed, then read the means.
///
/// Each mean is over images (every image weighs the same, whatever its batch). Sums are in Double
/// and added in batch order, so the result does not depend on the thread count.
public struct ReconstructionMetrics: Sendable {
    /// The region of every image that is measured (nil: the whole image).
    public let crop: CropRegion?
    /// Whether SSIM is computed (it needs regions of at least 11×11 and costs more than the rest).
    public let includesSSIM: Bool
    /// The number of images added so far.
    public private(set) var imageCount = 0
    private var psnrSum = 0.0
    private var ssimSum = 0.0
    private var l1Sum = 0.0
    private var mseSum = 0.0

    public init(crop: CropRegion? = nil, includingSSIM: Bool = true) {
        self.crop = crop
        includesSSIM = includingSSIM
    }

    /// Scores a batch of originals and reconstructions [N, C, H, W] in [−1, 1], adds it to the means
    /// and returns its per-image scores. Throws `MetricsError` (see `ImageMetrics.scores`), leaving
    /// the means unchanged.
    @discardableResult
    public mutating func add(originals: Tensor, reconstructions: Tensor) throws -> ImageScores {
        let scores = includesSSIM
            ? try ImageMetrics.scores(originals: originals, reconstructions: reconstructions, crop: crop)
            : try ImageMetrics.pixelScores(originals: originals, reconstructions: reconstructions, crop: crop)
        imageCount += scores.count
        psnrSum += scores.psnr.reduce(0, +)
        ssimSum += scores.ssim.reduce(0, +)
        l1Sum += scores.l1.reduce(0, +)
        mseSum += scores.mse.reduce(0, +)
        return scores
    }

    /// The mean of per-image PSNR in dB; NaN before any image is added.
    public var meanPSNR: Double { psnrSum / Double(imageCount) }
    /// The mean of per-image SSIM; NaN before any image is added or when SSIM is not computed.
    public var meanSSIM: Double { includesSSIM ? ssimSum / Double(imageCount) : .nan }
    public var meanL1: Double { l1Sum / Double(imageCount) }
    public var meanMSE: Double { mseSum / Double(imageCount) }

    /// The means as a report titled `title`, with the image count, the crop and the pixel scale as details.
    public func report(title: String, details: [String: String] = [:]) -> EvaluationReport {
        var details = details
        details["images"] = String(imageCount)
        details["pixel scale"] = "[-1, 1] mapped to [0, 1], clipped"
        if let crop { details["crop"] = crop.description }
        var metrics = [EvaluationReport.Metric(name: "PSNR", value: meanPSNR, unit: "dB")]
        if includesSSIM { metrics.append(.init(name: "SSIM", value: meanSSIM, unit: "")) }
        metrics.append(.init(name: "L1", value: meanL1, unit: ""))
        metrics.append(.init(name: "MSE", value: meanMSE, unit: ""))
        return EvaluationReport(title: title, details: details, metrics: metrics)
    }
}
