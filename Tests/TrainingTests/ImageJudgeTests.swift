import Configuration
import Datasets
import Evaluation
import Foundation
import TensorCore
import Training
import TestSupport
import WeightIO
import XCTest

/// Noisy bright (class 1) or dark (class 0) grey images: a judge must separate them perfectly.
private struct BrightOrDark: ImageDataset {
    let name: String
    let count: Int
    let seed: UInt64
    var side = 16
    var channels: Int { 1 }
    var classNames: [String] { ["dark", "bright"] }

    func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
        var noise = SeededGenerator(seed: seed &* 1000 &+ UInt64(index))
        let level: Float = index % 2 == 0 ? -0.4 : 0.4
        let image = Tensor.randomUniform([1, side, side], low: level - 0.5, high: level + 0.5, using: &noise)
        return Sample(image: image, label: index % 2, source: "\(name) #\(index)")
    }
}

final class ImageJudgeTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryFolder("judge") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func tinyConfig(steps: Int = 30) -> ImageJudgeConfig {
        var config = ImageJudgeConfig()
        config.steps = steps
        config.batchSize = 8
        config.width = 8
        config.learningRate = 5e-3
        config.path = folder.appendingPathComponent("judge.safetensors").path
        return config
    }

    private var brightOrDark: (train: BrightOrDark, heldOut: BrightOrDark) {
        (BrightOrDark(name: "bright-or-dark train", count: 32, seed: 1),
         BrightOrDark(name: "bright-or-dark held-out", count: 20, seed: 2))
    }

    func testSeparatesBrightFromDarkPerfectly() throws {
        let (train, heldOut) = brightOrDark
        let (judge, report) = try trainImageJudge(train: train, heldOut: heldOut, config: tinyConfig())
        XCTAssertEqual(report.heldOutAccuracy, 1)
        XCTAssertEqual(report.heldOutImages, 20)
        XCTAssertTrue(report.frechetFloor.isFinite && report.frechetFloor >= 0)
        let images = Tensor.concatenate([-Tensor.ones([2, 1, 16, 16]) * 0.5, Tensor.ones([3, 1, 16, 16]) * 0.5], axis: 0)
        XCTAssertEqual(try judge.classify(images), [0, 0, 1, 1, 1])
        XCTAssertEqual(try judge.accuracy(images, labels: [0, 0, 1, 1, 0]), 0.8, accuracy: 1e-12)
        XCTAssertEqual(try judge.features(images).shape, [5, 32])
    }

    func testTrainingLowersTheLossOnFashionMini() throws {
        let directory = Fixtures.url("datasets/fashion-mini")
        let train = try FashionMNIST(split: .train, directory: directory)
        let heldOut = try FashionMNIST(split: .test, directory: directory)
        var config = tinyConfig(steps: 15)
        config.batchSize = 3
        let (judge, report) = try trainImageJudge(train: train, heldOut: heldOut, config: config)
        var unused = SeededGenerator(seed: 0)
        let samples = try (0..<3).map { try train.sample(at: $0, generator: &unused) }
        let images = Tensor.concatenate(samples.map { $0.image.unsqueezed(axis: 0) }, axis: 0)
        let trainedLoss = Double(crossEntropy(judge.classifier(images), labels: samples.map { $0.label! }).scalar)
        XCTAssertLessThan(trainedLoss, report.firstLoss / 2, "first batch \(report.firstLoss), after training \(trainedLoss)")
        XCTAssertEqual(judge.classNames, FashionMNIST.classNames)
        XCTAssertEqual(judge.imageShape, [1, 32, 32])
        XCTAssertEqual(try judge.features(Tensor.zeros([4, 1, 32, 32])).shape, [4, 32])
    }

    func testSavedJudgeGivesIdenticalLogitsAndReport() throws {
        let (train, heldOut) = brightOrDark
        let config = tinyConfig(steps: 5)
        let (judge, report) = try trainImageJudge(train: train, heldOut: heldOut, config: config)
        let loaded = try ImageJudge(contentsOf: URL(fileURLWithPath: config.path))
        var generator = SeededGenerator(seed: 9)
        let images = Tensor.randomUniform([6, 1, 16, 16], low: -1, high: 1, using: &generator)
        XCTAssertEqual(loaded.classifier(images).scalars, judge.classifier(images).scalars)
        XCTAssertEqual(loaded.classNames, ["dark", "bright"])
        XCTAssertEqual(loaded.classifier.architecture, judge.classifier.architecture)
        let (reloaded, savedReport) = try loadOrTrainImageJudge(train: train, heldOut: heldOut, config: config)
        XCTAssertEqual(savedReport, report)
        XCTAssertEqual(try reloaded.features(images).scalars, try judge.features(images).scalars)
    }

    func testBadJudgeFilesAreNamedErrors() throws {
        let (train, heldOut) = brightOrDark
        let config = tinyConfig(steps: 1)
        _ = try trainImageJudge(train: train, heldOut: heldOut, config: config)
        let file = URL(fileURLWithPath: config.path)
        let contents = try SafeTensors.read(contentsOf: file)

        let truncated = folder.appendingPathComponent("truncated.safetensors")
        try Data(try Data(contentsOf: file).prefix(200)).write(to: truncated)
        XCTAssertThrowsError(try ImageJudge(contentsOf: truncated)) { error in
            XCTAssertTrue("\(error)".hasPrefix("image judge \(truncated.path): safetensors file \(truncated.path) declares"),
                          "\(error)")
        }

        var otherKind = contents.metadata
        otherKind["kind"] = "autoencoder-kl"
        let autoencoder = folder.appendingPathComponent("autoencoder.safetensors")
        try SafeTensors.write(contents.tensors, metadata: otherKind, to: autoencoder)
        XCTAssertThrowsError(try ImageJudge(contentsOf: autoencoder)) { error in
            XCTAssertEqual("\(error)", "\(autoencoder.path) is not an image judge checkpoint: its metadata 'kind' "
                           + "is 'autoencoder-kl', expected 'image-judge'")
        }

        var wider = contents.metadata
        wider["architecture"] = wider["architecture"]!.replacingOccurrences(of: "\"width\":8", with: "\"width\":16")
        let mismatched = folder.appendingPathComponent("mismatched.safetensors")
        try SafeTensors.write(contents.tensors, metadata: wider, to: mismatched)
        XCTAssertThrowsError(try ImageJudge(contentsOf: mismatched)) { error in
            XCTAssertEqual("\(error)", "image judge \(mismatched.path): weights do not fit its architecture: "
                           + "levels.0.0.conv.weight: checkpoint [8,1,3,3], model [16,1,3,3]")
        }

        var noClasses = contents.metadata
        noClasses["class_names"] = nil
        let missing = folder.appendingPathComponent("missing.safetensors")
        try SafeTensors.write(contents.tensors, metadata: noClasses, to: missing)
        XCTAssertThrowsError(try ImageJudge(contentsOf: missing)) { error in
            XCTAssertEqual("\(error)", "image judge \(missing.path): metadata 'class_names' is unusable: missing")
        }
    }

    func testBadImagesAndDatasetsAreNamedErrors() throws {
        let (train, heldOut) = brightOrDark
        let config = tinyConfig(steps: 1)
        let (judge, _) = try trainImageJudge(train: train, heldOut: heldOut, config: config)
        XCTAssertThrowsError(try judge.classify(Tensor.zeros([2, 3, 16, 16]))) { error in
            XCTAssertEqual("\(error)", "image judge: images of shape [2, 3, 16, 16], expected [N, 1, 16, 16] with N ≥ 1")
        }
        XCTAssertThrowsError(try judge.accuracy(Tensor.zeros([2, 1, 16, 16]), labels: [0])) { error in
            XCTAssertEqual("\(error)", "image judge: 2 images but 1 labels")
        }

        let fashion = try FashionMNIST(split: .test, directory: Fixtures.url("datasets/fashion-mini"))
        XCTAssertThrowsError(try trainImageJudge(train: train, heldOut: fashion, config: config)) { error in
            XCTAssertTrue("\(error)".hasPrefix("image judge: the held-out set Fashion-MNIST test does not match "
                                               + "the training set bright-or-dark train: classes [\"dark\", \"bright\"]"),
                          "\(error)")
        }
        XCTAssertThrowsError(try loadOrTrainImageJudge(train: fashion, heldOut: fashion, config: config)) { error in
            XCTAssertTrue("\(error)".hasPrefix("image judge \(config.path) was trained on 1-channel images of classes "
                                               + "[\"dark\", \"bright\"], but Fashion-MNIST test has"), "\(error)")
        }
        let unlabelled = SyntheticUnlabelled()
        XCTAssertThrowsError(try trainImageJudge(train: unlabelled, heldOut: unlabelled, config: config)) { error in
            XCTAssertEqual("\(error)", "image judge: unlabelled set has no class labels (at least 2 classes are needed)")
        }
    }
}

private struct SyntheticUnlabelled: ImageDataset {
    var name: String { "unlabelled set" }
    var count: Int { 4 }
    var channels: Int { 1 }
    var classNames: [String] { [] }

    func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
        Sample(image: Tensor.zeros([1, 8, 8]), source: "unlabelled #\(index)")
    }
}

final class ImageJudgeConfigTests: XCTestCase {
    func testOverridesAndUnknownKeys() throws {
        let (config, _) = try ConfigLoader.load(ImageJudgeConfig.self, files: [],
                                                overrides: ["steps=40", "batch_size=16", "path=judges/x.safetensors"])
        XCTAssertEqual(config.steps, 40)
        XCTAssertEqual(config.batchSize, 16)
        XCTAssertEqual(config.path, "judges/x.safetensors")
        XCTAssertEqual(config.width, ImageJudgeConfig().width)
        XCTAssertThrowsError(try ConfigLoader.load(ImageJudgeConfig.self, files: [], overrides: ["widht=8"])) { error in
            XCTAssertTrue("\(error)".contains("width"), "\(error)")
        }
    }
}

final class ImageJudgeSettingsTests: XCTestCase {
    func testSettingsOutOfRangeAreNamed() throws {
        let train = BrightOrDark(name: "train", count: 8, seed: 1)
        var config = ImageJudgeConfig()
        config.steps = 0
        XCTAssertThrowsError(try trainImageJudge(train: train, heldOut: train, config: config)) { error in
            XCTAssertEqual("\(error)", "image judge: setting steps is 0, expected a positive number")
        }
        config.steps = 1
        config.batchSize = 9
        XCTAssertThrowsError(try trainImageJudge(train: train, heldOut: train, config: config)) { error in
            XCTAssertTrue("\(error)".contains("batch size"), "\(error)")
        }
    }
}
