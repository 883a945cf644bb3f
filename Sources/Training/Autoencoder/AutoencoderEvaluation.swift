import Datasets
import Evaluation
import Foundation
import Models
import TensorCore
import Visuals

/// Measures a first stage's reconstructions on a held-out set: mean per-image PSNR and SSIM, L1 and
/// MSE (optionally on a region of each image), the perceptual distance when a perceptual network is
/// given, and for VQ the share of the codebook in use; writes `report.json`, `report.txt` and
/// `reconstructions.png` (originals beside reconstructions) to `output`.
public enum AutoencoderEvaluation {
    /// The report's name for the perceptual distance: the network is named, since it is not LPIPS's.
    public static let perceptualMetricName = "perceptual distance (EfficientNet-Lite0)"

    public static func evaluate(_ firstStage: FirstStage, on dataset: any ImageDataset, config: EvaluationConfig,
                                output: URL, perceptual: ImageDistance? = nil, details: [String: String] = [:],
                                progress: ProgressReporter? = nil) throws -> EvaluationReport {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let imageCount = config.maxImages > 0 ? min(config.maxImages, dataset.count) : dataset.count
        let batchSize = min(config.batchSize, imageCount)
        let loader = try DataLoader(dataset: dataset, batchSize: batchSize, shuffle: false, dropLast: false, seed: 0)
        let crop = try cropRegion(config.measureRegion)
        var metrics = ReconstructionMetrics(crop: crop)
        var perceptualSum = 0.0
        var codesUsed = Set<Int>()
        var shown: (originals: [Tensor], reconstructions: [Tensor]) = ([], [])
        firstStage.module.eval()
        defer { firstStage.module.train() }
        while metrics.imageCount < imageCount {
            let batch = try loader.next()
            let images = batch.count + metrics.imageCount > imageCount
                ? batch.images.sliced(axis: 0, range: 0..<(imageCount - metrics.imageCount)) : batch.images
            let reconstructions = withoutGradients { () -> Tensor in
                if case .vq(let model) = firstStage {
                    let (reconstruction, quantization) = model(images)
                    codesUsed.formUnion(quantization.indices)
                    return reconstruction
                }
                return firstStage.reconstruct(images)
            }.clamped(min: -1, max: 1)
            try metrics.add(originals: images, reconstructions: reconstructions)
            if let perceptual {
                let distances = withoutGradients { perceptual(cropped(images, crop), cropped(reconstructions, crop)) }
                perceptualSum += distances.scalars.reduce(0.0) { $0 + Double($1) }
            }
            if shown.originals.reduce(0, { $0 + $1.shape[0] }) < config.gridImages {
                shown.originals.append(images)
                shown.reconstructions.append(reconstructions)
            }
            progress?.update(step: metrics.imageCount)
        }
        var reportDetails = details
        reportDetails["dataset"] = dataset.name
        var report = metrics.report(title: "Reconstruction on \(dataset.name)", details: reportDetails)
        if perceptual != nil {
            report.metrics.append(.init(name: perceptualMetricName, value: perceptualSum / Double(metrics.imageCount), unit: ""))
        }
        if case .vq(let model) = firstStage {
            report.metrics.append(.init(name: "codebook usage", value: Double(codesUsed.count) / Double(model.codebookSize)))
        }
        try report.jsonData().write(to: output.appendingPathComponent("report.json"))
        try report.textTable().write(to: output.appendingPathComponent("report.txt"), atomically: true, encoding: .utf8)
        try writeGrid(shown, count: config.gridImages, to: output.appendingPathComponent("reconstructions.png"))
        return report
    }

    static func cropRegion(_ region: [Int]) throws -> CropRegion? {
        if region.isEmpty { return nil }
        guard region.count == 4 else {
            throw DataConfigError(key: "evaluation.measure_region", message: "expected [top, left, height, width], got \(region)")
        }
        return CropRegion(top: region[0], left: region[1], height: region[2], width: region[3])
    }

    /// The measured region of images [N, C, H, W] (all of them without a crop).
    private static func cropped(_ images: Tensor, _ crop: CropRegion?) -> Tensor {
        guard let crop else { return images }
        return images.sliced(axis: 2, range: crop.top..<(crop.top + crop.height))
            .sliced(axis: 3, range: crop.left..<(crop.left + crop.width))
    }

    private static func writeGrid(_ shown: (originals: [Tensor], reconstructions: [Tensor]), count: Int, to url: URL) throws {
        guard !shown.originals.isEmpty, count > 0 else { return }
        let originals = Tensor.concatenate(shown.originals, axis: 0)
        let n = min(count, originals.shape[0])
        let reconstructions = Tensor.concatenate(shown.reconstructions, axis: 0)
        try ImageGrid(columns: 8, scale: originals.shape[2] < 64 ? 2 : 1).writeComparison(
            originals: originals.sliced(axis: 0, range: 0..<n),
            reconstructions: reconstructions.sliced(axis: 0, range: 0..<n), to: url)
    }
}
