import Datasets
import Foundation
import HDF5Store
import Models
import TensorCore
import Training

/// The tiny first stage of `tinyAutoencoderConfig` (f = 1, 2 latent channels), weights from `seed`,
/// in eval mode.
func tinyFirstStage(_ kind: AutoencoderModelConfig.Kind, seed: UInt64 = 1) -> FirstStage {
    var generator = SeededGenerator(seed: seed)
    let firstStage = FirstStage.build(tinyAutoencoderConfig(kind: kind).model, generator: &generator)
    firstStage.module.eval()
    return firstStage
}

/// Every image of `dataset` stacked, [N, C, H, W] (the synthetic datasets ignore the generator).
func allImages(_ dataset: any ImageDataset) throws -> Tensor {
    var generator = SeededGenerator(seed: 0)
    let images = try (0..<dataset.count).map { try dataset.sample(at: $0, generator: &generator).image }
    return Tensor.concatenate(images.map { $0.unsqueezed(axis: 0) }, axis: 0)
}

/// The sample standard deviation (n − 1) of `values`, in Double, the textbook way.
func sampleStandardDeviation(_ values: [Float]) -> Double {
    let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    let squares = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
    return (squares / Double(values.count - 1)).squareRoot()
}

/// `SyntheticImages` whose samples from `firstCaptioned` on have the caption "image i", and whose
/// earlier samples have none.
struct CaptionedImages: ImageDataset {
    let base = SyntheticImages(count: 10)
    let firstCaptioned: Int
    var name: String { "captioned synthetic" }
    var count: Int { base.count }
    var channels: Int { base.channels }
    var classNames: [String] { [] }

    func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
        var sample = try base.sample(at: index, generator: &generator)
        sample.label = nil
        sample.caption = index >= firstCaptioned ? "image \(index)" : nil
        return sample
    }
}

/// A folder of latent cache files for one test, removed afterwards.
struct CacheFolder {
    let url: URL

    init(_ name: String) throws { url = try makeTemporaryFolder(name) }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Every dataset and attribute of the cache file at `url`, for comparing two files.
func cacheContents(_ url: URL) throws -> [String: String] {
    let file = try HDF5File.open(url)
    var contents: [String: String] = [:]
    for name in ["latents", "mean", "logvar"] where file.contains(name) {
        contents[name] = "\(try file.dataset(name).shape) \(try file.dataset(name).readFloats())"
    }
    if file.contains("labels") { contents["labels"] = "\(try file.dataset("labels").readInt64s())" }
    for name in ["class_names", "captions"] where file.contains(name) {
        contents[name] = "\(try file.dataset(name).readStrings())"
    }
    for name in ["format", "first_stage_sha256", "first_stage_kind", "dataset_fingerprint", "dataset_name", "transform"] {
        contents[name] = try file.stringAttribute(name)
    }
    for name in ["complete", "count", "dataset_count"] { contents[name] = "\(try file.intAttribute(name))" }
    contents["scale_factor"] = "\(try file.doubleAttribute("scale_factor"))"
    return contents
}
