import Foundation
import TensorCore

/// Image-quality metrics of reconstructions against originals: PSNR, SSIM, L1 and MSE per image.
///
/// Inputs are batches [N, C, H, W] in [−1, 1] (as the autoencoders take and give them). Each value is
/// mapped to [0, 1] by (x + 1) / 2 and clipped to [0, 1], so the metrics see what a saved image shows;
/// all arithmetic is in Double. An optional crop measures only part of each image. Images are scored
/// in parallel, 16 to a chunk, so results do not depend on the thread count.
public enum ImageMetrics {
    /// The PSNR reported for identical images (MSE 0, where 10·log10(1 / MSE) is +∞) and the cap
    /// for near-identical ones (MSE below 1e-10), so batch means stay finite.
    public static let maximumPSNR = 100.0

    /// PSNR, SSIM, L1 and MSE of each image.
    ///
    /// Throws `MetricsError` when the batches are not [N, C, H, W] of one shape, the crop does not fit,
    /// the measured region is under 11×11 (SSIM's window) or a value is NaN or infinite.
    public static func scores(originals: Tensor, reconstructions: Tensor,
                              crop: CropRegion? = nil) throws -> ImageScores {
        let batch = try ImagePairBatch(originals: originals, reconstructions: reconstructions, crop: crop)
        let window = StructuralSimilarity.window
        guard batch.region.height >= window && batch.region.width >= window else {
            throw MetricsError.tooSmallForSSIM(height: batch.region.height, width: batch.region.width,
                                               window: window)
        }
        return try score(batch, includingSSIM: true)
    }

    /// PSNR, L1 and MSE of each image, without the costlier SSIM (`ssim` is empty); no size limit.
    public static func pixelScores(originals: Tensor, reconstructions: Tensor,
                                   crop: CropRegion? = nil) throws -> ImageScores {
        let batch = try ImagePairBatch(originals: originals, reconstructions: reconstructions, crop: crop)
        return try score(batch, includingSSIM: false)
    }

    /// PSNR in dB of each image (data range 1).
    public static func psnr(originals: Tensor, reconstructions: Tensor, crop: CropRegion? = nil) throws -> [Double] {
        try pixelScores(originals: originals, reconstructions: reconstructions, crop: crop).psnr
    }

    /// The batch's mean of per-image PSNR in dB.
    public static func meanPSNR(originals: Tensor, reconstructions: Tensor, crop: CropRegion? = nil) throws -> Double {
        try pixelScores(originals: originals, reconstructions: reconstructions, crop: crop).meanPSNR
    }

    /// SSIM of each image (see `StructuralSimilarity`), averaged over its channels.
    public static func ssim(originals: Tensor, reconstructions: Tensor, crop: CropRegion? = nil) throws -> [Double] {
        try scores(originals: originals, reconstructions: reconstructions, crop: crop).ssim
    }

    /// The PSNR in dB of a mean squared error on [0, 1] data, capped at `maximumPSNR`.
    public static func psnr(meanSquaredError mse: Double) -> Double {
        min(maximumPSNR, -10 * log10(mse))
    }

    private static let imagesPerChunk = 16

    /// Scores every image of `batch`, in parallel over chunks of images.
    private static func score(_ batch: ImagePairBatch, includingSSIM: Bool) throws -> ImageScores {
        let count = batch.imageCount
        var results = [PairScore](repeating: PairScore(), count: count)
        results.withUnsafeMutableBufferPointer { results in
            parallelFor((count + imagesPerChunk - 1) / imagesPerChunk) { chunk in
                let scorer = ImagePairScorer(batch, includingSSIM: includingSSIM)
                for image in chunk * imagesPerChunk..<min(count, (chunk + 1) * imagesPerChunk) {
                    results[image] = scorer.score(image: image)
                }
            }
        }
        if let image = results.firstIndex(where: { $0.nonFiniteBatch != nil }) {
            throw MetricsError.nonFinite(name: results[image].nonFiniteBatch!, image: image)
        }
        return ImageScores(psnr: results.map { psnr(meanSquaredError: $0.mse) },
                           ssim: includingSSIM ? results.map(\.ssim) : [],
                           l1: results.map(\.l1), mse: results.map(\.mse))
    }
}

/// One image's scores, or the name of the batch whose image holds a NaN or infinity.
private struct PairScore {
    var l1 = 0.0
    var mse = 0.0
    var ssim = 0.0
    var nonFiniteBatch: String?
}

/// One worker's buffers for scoring the images of a batch one at a time.
private final class ImagePairScorer {
    let batch: ImagePairBatch
    let original: UnsafeMutablePointer<Double>
    let reconstruction: UnsafeMutablePointer<Double>
    let similarity: StructuralSimilarity?

    init(_ batch: ImagePairBatch, includingSSIM: Bool) {
        self.batch = batch
        original = .allocate(capacity: batch.valuesPerImage)
        reconstruction = .allocate(capacity: batch.valuesPerImage)
        similarity = includingSSIM ? StructuralSimilarity(height: batch.region.height, width: batch.region.width) : nil
    }

    deinit {
        original.deallocate()
        reconstruction.deallocate()
    }

    /// L1, MSE and (if wanted) the channel mean of SSIM of image `image`.
    func score(image: Int) -> PairScore {
        if let bad = batch.copyUnitPlanes(image: image, original: original, reconstruction: reconstruction) {
            return PairScore(nonFiniteBatch: bad)
        }
        let values = batch.valuesPerImage
        var absolute = 0.0, squared = 0.0
        for i in 0..<values {
            let difference = original[i] - reconstruction[i]
            absolute += abs(difference)
            squared += difference * difference
        }
        var score = PairScore(l1: absolute / Double(values), mse: squared / Double(values))
        if let similarity {
            let plane = values / batch.channels
            var sum = 0.0
            for channel in 0..<batch.channels {
                sum += similarity.mean(original + channel * plane, reconstruction + channel * plane)
            }
            score.ssim = sum / Double(batch.channels)
        }
        return score
    }
}
