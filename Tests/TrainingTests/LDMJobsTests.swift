import Configuration
import Foundation
import Training
import XCTest

/// train-ldm's jobs end to end on tiny runs: train (building the cache), sample, evaluate.
final class LDMJobsTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryFolder("ldm-jobs") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A config training the tiny class-conditional UNet on a two-class folder, in pixel space or
    /// on the latents of the first stage at `firstStage`.
    private func writeConfig(firstStage: URL?) throws -> URL {
        let images = try writeTwoClassFolder(in: folder)
        let channels = firstStage == nil ? 1 : 2
        let config = folder.appendingPathComponent("tiny-ldm.yaml")
        try """
        model: {in_channels: \(channels), out_channels: \(channels), model_channels: 32, channel_mult: [1],
                num_res_blocks: 1, attention_resolutions: [], num_head_channels: 32}
        diffusion: {timesteps: 100}
        first_stage: {checkpoint: \(firstStage?.path ?? "null")}
        cache: {path: \(folder.appendingPathComponent("cache.h5").path), batch_size: 3}
        conditioning: {kind: class}
        data: {source: folder, path: \(images.path), heldout_path: \(images.path), channels: 1, image_size: 16}
        train: {steps: 3, batch_size: 4, log_every: 1, image_every: 3, checkpoint_every: 2}
        sampling: {sampler: {steps: 2}, preview_steps: 2, preview_per_class: 1, guidance: 2.0}
        evaluation: {timesteps: 2, batch_size: 3, samples_per_class: 3}
        judge: {path: \(folder.appendingPathComponent("judge.safetensors").path), steps: 4, batch_size: 4, width: 4}
        """.write(to: config, atomically: true, encoding: .utf8)
        return config
    }

    private func trainLDM(firstStage: URL?) throws -> URL {
        try LDMJobs.train(configFiles: [try writeConfig(firstStage: firstStage)], overrides: [], resume: nil,
                          runDirectory: folder.appendingPathComponent("ldm-run"))
    }

    func testSampleWritesTheGridTheImagesAndOneJSONLinePerImage() throws {
        let run = try trainLDM(firstStage: nil)
        var request = LDMJobs.SampleRequest()
        (request.classes, request.count, request.steps, request.seed) = (.all, 2, 2, 7)
        let output = folder.appendingPathComponent("samples")
        let files = try LDMJobs.sample(checkpoint: run, request: request, output: output)
        XCTAssertEqual(files.map(\.lastPathComponent), ["000000.png", "000001.png", "000002.png", "000003.png"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("grid.png").path))
        let lines = try String(contentsOf: output.appendingPathComponent("samples.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(lines.map { $0["file"] as? String }, files.map(\.lastPathComponent))
        XCTAssertEqual(lines.map { $0["class"] as? Int }, [0, 0, 1, 1])
        XCTAssertEqual(lines.map { $0["class_name"] as? String }, ["bars", "bars", "stripes", "stripes"])
        XCTAssertEqual(lines.map { $0["seed"] as? Int }, [7, 8, 9, 10])
        XCTAssertEqual(lines.map { $0["guidance"] as? Double }, [2, 2, 2, 2])
        XCTAssertEqual(lines.map { $0["steps"] as? Int }, [2, 2, 2, 2])

        request.classes = .one(5)
        XCTAssertThrowsError(try LDMJobs.sample(checkpoint: run, request: request, output: output)) { error in
            XCTAssertEqual("\(error)", "config key '--class' is 5, expected a class in 0..<2 (0 bars, 1 stripes)")
        }
    }

    func testLatentRunBuildsTheCacheTrainsSamplesAndEvaluates() throws {
        let firstStageRun = folder.appendingPathComponent("ae-run")
        try AutoencoderJobs.train(configFiles: [try writeTinyImageFolderRun(in: folder.appendingPathComponent("ae"))],
                                  overrides: ["train.steps=2"], resume: nil, runDirectory: firstStageRun)
        let run = try trainLDM(firstStage: firstStageRun)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("cache.h5").path))
        XCTAssertEqual(RunFolder.metricsSteps(run), [1, 2, 3])

        var request = LDMJobs.SampleRequest()
        (request.classes, request.count, request.steps) = (.one(1), 2, 2)
        let files = try LDMJobs.sample(checkpoint: run, request: request, output: folder.appendingPathComponent("samples"))
        XCTAssertEqual(files.count, 2)

        let report = try LDMJobs.evaluate(checkpoint: run, output: nil, maxImages: 5)
        XCTAssertEqual(report.details["images"], "5")
        XCTAssertEqual(report.details["weights"], "EMA")
        XCTAssertEqual(report.metrics.map(\.name), [
            "diffusion loss", "loss at t=25", "loss at t=75", "samples judged", "sampling samples/s",
            "class accuracy of samples", "judge accuracy on held-out images", "Fréchet distance samples vs held-out",
            "Fréchet distance train vs held-out (floor)"])
        let losses = report.metrics.prefix(3).map(\.value)
        XCTAssertTrue(losses.allSatisfy { $0.isFinite && $0 > 0 })
        XCTAssertEqual(losses[0], (losses[1] + losses[2]) / 2, accuracy: 1e-9)
        let judged = Dictionary(uniqueKeysWithValues: report.metrics.dropFirst(3).map { ($0.name, $0.value) })
        XCTAssertEqual(judged["samples judged"], 6)
        for name in ["class accuracy of samples", "judge accuracy on held-out images"] {
            XCTAssertTrue((0...1).contains(judged[name]!), "\(name) \(judged[name]!)")
        }
        XCTAssertGreaterThanOrEqual(judged["Fréchet distance samples vs held-out"]!, 0)
        XCTAssertGreaterThanOrEqual(judged["Fréchet distance train vs held-out (floor)"]!, 0)
        for file in ["evaluation/report.json", "evaluation/samples.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), file)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("judge.safetensors").path))
    }

    /// A text-conditional run on a labelled, captioned folder: evaluate draws one sample per held-out
    /// caption, judges it against the class of that caption's image, and reports chance beside it.
    func testTextRunJudgesOneSamplePerHeldOutCaption() throws {
        let images = try writeTwoClassFolder(in: folder, count: 3)
        for (name, index) in [("stripes", 0), ("stripes", 1), ("stripes", 2), ("bars", 0), ("bars", 1), ("bars", 2)] {
            try "\(name) number \(index)".write(to: images.appendingPathComponent("\(name)/image\(index).txt"),
                                              atomically: true, encoding: .utf8)
        }
        let config = folder.appendingPathComponent("tiny-text.yaml")
        try """
        model: {in_channels: 1, out_channels: 1, model_channels: 32, channel_mult: [1], num_res_blocks: 1,
                attention_resolutions: [1], num_head_channels: 32, context_dim: 16}
        diffusion: {timesteps: 100}
        conditioning: {kind: text, text: {max_length: 8, n_embed: 16, n_layer: 1, heads: 2, dim_head: 8}}
        data: {source: folder, path: \(images.path), heldout_path: \(images.path), channels: 1, image_size: 16}
        train: {steps: 2, batch_size: 4, log_every: 1, image_every: 2, checkpoint_every: 2}
        sampling: {sampler: {steps: 2}, preview_steps: 2, preview_per_class: 1, guidance: 3.0}
        evaluation: {timesteps: 2, batch_size: 3}
        judge: {steps: 4, batch_size: 4, width: 4}
        """.write(to: config, atomically: true, encoding: .utf8)
        let run = try LDMJobs.train(configFiles: [config], overrides: [], resume: nil,
                                    runDirectory: folder.appendingPathComponent("text-run"))

        let judge = folder.appendingPathComponent("judge.safetensors").path
        let report = try LDMJobs.evaluate(checkpoint: run, output: nil, maxImages: 2,
                                          overrides: ["evaluation.caption_samples=5", "judge.path=\(judge)"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: judge), "the judge is trained where --set judge.path says")
        XCTAssertEqual(report.metrics.map(\.name), [
            "diffusion loss", "loss at t=25", "loss at t=75", "held-out captions sampled", "sampling samples/s",
            "class accuracy of samples", "judge accuracy on the real held-out images", "chance accuracy (uniform)",
            "chance accuracy (most frequent class)", "balanced accuracy of samples",
            "balanced judge accuracy on the real held-out images", "chance balanced accuracy (any one class)",
            "Fréchet distance samples vs held-out", "Fréchet distance train vs held-out, same class mix (floor)"])
        let judged = Dictionary(uniqueKeysWithValues: report.metrics.dropFirst(3).map { ($0.name, $0.value) })
        XCTAssertEqual(judged["held-out captions sampled"], 5)
        XCTAssertEqual(judged["chance accuracy (uniform)"], 0.5)
        // The first five held-out images in order are bars 0–2 and stripes 0–1: bars are 3 of 5.
        XCTAssertEqual(judged["chance accuracy (most frequent class)"]!, 0.6, accuracy: 1e-12)
        XCTAssertEqual(judged["chance balanced accuracy (any one class)"], 0.5)
        for name in ["class accuracy of samples", "judge accuracy on the real held-out images"] {
            XCTAssertTrue([0, 0.2, 0.4, 0.6, 0.8, 1].contains { abs($0 - judged[name]!) < 1e-9 }, "\(name) \(judged[name]!)")
        }
        for name in ["balanced accuracy of samples", "balanced judge accuracy on the real held-out images"] {
            XCTAssertTrue((0...1).contains(judged[name]!), "\(name) \(judged[name]!)")
        }
        XCTAssertGreaterThanOrEqual(judged["Fréchet distance samples vs held-out"]!, 0)
        let listing = try String(contentsOf: run.appendingPathComponent("evaluation/samples.txt"), encoding: .utf8)
        XCTAssertEqual(listing.split(separator: "\n").dropFirst(), ["1.1 bars number 0", "1.2 bars number 1", "1.3 bars number 2",
                                                                 "1.4 stripes number 0", "1.5 stripes number 1"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("evaluation/samples.png").path))

        XCTAssertThrowsError(try LDMJobs.evaluate(checkpoint: run, output: nil, maxImages: 2,
                                                  overrides: ["model.model_channels=8"])) { error in
            XCTAssertEqual((error as? LDMConfigError)?.key, "model.model_channels")
            XCTAssertTrue("\(error)".contains("cannot be changed for a trained model"), "\(error)")
        }
    }

    /// The mean of the per-class recalls, over the classes that occur: class 0 is found 2 times of 4,
    /// class 1 once of once, class 2 never asked for.
    func testBalancedAccuracyAveragesTheRecallOfEachClassPresent() {
        XCTAssertEqual(JudgedCaptionSamples.balancedAccuracy([0, 2, 1, 0, 1], [0, 0, 0, 0, 1]), 0.75, accuracy: 1e-12)
        XCTAssertEqual(JudgedCaptionSamples.balancedAccuracy([1, 1, 1, 1], [1, 1, 1, 0]), 0.5, accuracy: 1e-12,
                       "always answering the frequent class scores 1 / classes present")
    }

    func testAMissingFirstStageSaysToTrainItFirst() throws {
        let missing = folder.appendingPathComponent("no-such-run")
        XCTAssertThrowsError(try trainLDM(firstStage: missing)) { error in
            XCTAssertEqual((error as? LDMConfigError)?.key, "first_stage.checkpoint")
            XCTAssertTrue("\(error)".contains("names \(missing.path), where there is no train-ae checkpoint; "
                                              + "train the first stage first"), "\(error)")
        }
    }
}
