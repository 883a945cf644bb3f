import Datasets
import Foundation
import ImageIO
import TensorCore
import Training

/// A small labelled dataset of smooth random grey images, made in memory.
struct SyntheticImages: ImageDataset {
    let name = "synthetic"
    let count: Int
    let side: Int
    var channels: Int { 1 }
    var classNames: [String] { ["a", "b"] }

    init(count: Int = 12, side: Int = 16) {
        self.count = count
        self.side = side
    }

    func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
        var pattern = SeededGenerator(seed: UInt64(index))
        let image = Tensor(shape: [1, side, side]) { pixels in
            let (a, b) = (pattern.nextUniform() * 0.5, pattern.nextUniform() * 0.5)
            for y in 0..<side { for x in 0..<side {
                pixels[y * side + x] = Foundation.sin(Float(x) * a + Float(y) * b) * 0.8
            } }
        }
        return Sample(image: image, label: index % 2, source: "synthetic #\(index)")
    }
}

/// A KL (or VQ) autoencoder small enough to train a few steps in a test: ch 32, one level (f = 1).
func tinyAutoencoderConfig(kind: AutoencoderModelConfig.Kind = .kl) -> AutoencoderRunConfig {
    var config = AutoencoderRunConfig()
    config.model.kind = kind
    config.model.codebookSize = 16
    config.model.architecture.channels = 32
    config.model.architecture.channelMultipliers = [1]
    config.model.architecture.resolution = 16
    config.model.architecture.zChannels = 2
    config.model.architecture.embedDimension = 2
    config.train.batchSize = 4
    config.train.steps = 5
    config.train.logEvery = 1
    config.train.imageEvery = 100
    config.train.checkpointEvery = 100
    config.train.ema = true
    config.train.emaDecay = 0.9
    return config
}

/// A cheap differentiable stand-in for the perceptual distance: the mean squared difference of the
/// images' 4×4 block means, per sample.
let pooledImageDistance: ImageDistance = { a, b in
    let difference = a.avgPool2d(kernel: 4, stride: 4) - b.avgPool2d(kernel: 4, stride: 4)
    return (difference * difference).mean(alongAxes: [1, 2, 3])
}

/// `tinyAutoencoderConfig` with the full loss: perceptual distance, and a small discriminator from step 2 on.
func tinyAdversarialAutoencoderConfig(kind: AutoencoderModelConfig.Kind = .kl) -> AutoencoderRunConfig {
    var config = tinyAutoencoderConfig(kind: kind)
    config.loss.perceptualWeight = 0.5
    config.loss.discWeight = 0.5
    config.loss.discStart = 2
    config.loss.discNdf = 8
    config.loss.discNumLayers = 2
    return config
}

/// A fresh temporary folder, removed by `removeTemporaryFolder`.
func makeTemporaryFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `count` 16×16 grey PNGs with distinct patterns into `folder`/images, and a YAML config that
/// trains a tiny KL autoencoder on them with the given `train` settings; returns the config file.
@discardableResult
func writeTinyImageFolderRun(in folder: URL, count: Int = 8,
                             train: String = "{steps: 4, batch_size: 4, log_every: 1, image_every: 2, checkpoint_every: 2}") throws -> URL {
    let images = folder.appendingPathComponent("images")
    try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
    for index in 0..<count {
        let pixels = (0..<256).map { UInt8(($0 * (index + 3) + index * 17) % 256) }
        try Image(width: 16, height: 16, channels: 1, pixels: pixels).write(to: images.appendingPathComponent("image\(index).png"))
    }
    let config = folder.appendingPathComponent("tiny.yaml")
    try """
    model:
      architecture: {ch: 32, ch_mult: [1], resolution: 16, z_channels: 2, embed_dim: 2}
    data: {source: folder, path: \(images.path), heldout_path: \(images.path), channels: 1, image_size: 16}
    train: \(train)
    evaluation: {batch_size: 3}
    """.write(to: config, atomically: true, encoding: .utf8)
    return config
}
