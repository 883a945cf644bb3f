import Datasets
import Foundation
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

/// A fresh temporary folder, removed by `removeTemporaryFolder`.
func makeTemporaryFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
