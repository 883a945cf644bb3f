import Datasets
import Foundation
import ImageIO
import Models
import TensorCore
import Training

/// A class-conditional diffusion run small enough to train a few steps in a test: a one-level UNet
/// of 32 channels on 1×16×16 samples (pixel space unless a first stage is added).
func tinyLDMConfig(channels: Int = 1) -> LDMRunConfig {
    var config = LDMRunConfig()
    config.model.inChannels = channels
    config.model.outChannels = channels
    config.model.modelChannels = 32
    config.model.channelMultipliers = [1]
    config.model.residualBlocks = 1
    config.model.attentionResolutions = []
    config.model.numHeadChannels = 32
    config.conditioning.kind = .class
    config.diffusion.timesteps = 100
    config.train.batchSize = 4
    config.train.steps = 5
    config.train.learningRate = 1e-3
    config.train.logEvery = 1
    config.train.imageEvery = 100
    config.train.checkpointEvery = 100
    config.train.emaDecay = 0.9
    config.sampling.previewSteps = 2
    config.sampling.previewPerClass = 2
    return config
}

/// `SyntheticImages` with a caption each, naming its class and its number.
struct CaptionedWaves: ImageDataset {
    let base = SyntheticImages(count: 12)
    var name: String { "captioned waves" }
    var count: Int { base.count }
    var channels: Int { base.channels }
    var classNames: [String] { base.classNames }

    func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
        var sample = try base.sample(at: index, generator: &generator)
        sample.caption = ["smooth waves", "slanted stripes"][index % 2] + " number \(index)"
        return sample
    }
}

/// `tinyLDMConfig` conditioned on captions through a small text encoder trained with the UNet.
func tinyTextLDMConfig(channels: Int = 1) -> LDMRunConfig {
    var config = tinyLDMConfig(channels: channels)
    config.conditioning.kind = .text
    config.conditioning.text.maxLength = 8
    (config.conditioning.text.nEmbed, config.conditioning.text.nLayer) = (16, 1)
    (config.conditioning.text.heads, config.conditioning.text.dimHead) = (2, 8)
    config.model.contextDimension = 16
    return config
}

/// `SyntheticImages` whose pixels are all NaN from sample `firstBad` on.
struct PoisonedImages: ImageDataset {
    let base = SyntheticImages(count: 8)
    let firstBad: Int
    var name: String { "poisoned synthetic" }
    var count: Int { base.count }
    var channels: Int { base.channels }
    var classNames: [String] { base.classNames }

    func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
        var sample = try base.sample(at: index, generator: &generator)
        if index >= firstBad { sample.image = Tensor(repeating: .nan, shape: sample.image.shape) }
        return sample
    }
}

/// Writes a two-class image folder (`stripes/`, `bars/`, `count` 16×16 grey PNGs each) under `folder`/images.
func writeTwoClassFolder(in folder: URL, count: Int = 4) throws -> URL {
    let root = folder.appendingPathComponent("images")
    for (classIndex, name) in ["stripes", "bars"].enumerated() {
        let classFolder = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
        for index in 0..<count {
            let pixels: [UInt8] = (0..<256).map { position in
                let stripe = classIndex == 0 ? position % 16 : position / 16
                return UInt8(stripe * 16 + index)
            }
            try Image(width: 16, height: 16, channels: 1, pixels: pixels)
                .write(to: classFolder.appendingPathComponent("image\(index).png"))
        }
    }
    return root
}
