import Evaluation
import Foundation
import ImageIO
import Training
import XCTest

/// train-ae's three jobs end to end on a tiny folder of images: train then evaluate, evaluate a
/// checkpoint on a folder, reconstruct image files.
final class AutoencoderJobsTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryFolder("ae-jobs") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testTrainWritesTheRunFolderAndEvaluates() throws {
        let config = try writeTinyImageFolderRun(in: folder)
        let run = folder.appendingPathComponent("run")
        try AutoencoderJobs.train(configFiles: [config], overrides: ["train.seed=3"], resume: nil, runDirectory: run)
        for file in ["config.yaml", "metrics.jsonl", "loss.png", "images/step-0000002.png", "images/step-0000004.png",
                     "checkpoints/last.safetensors", "evaluation/report.json", "evaluation/report.txt",
                     "evaluation/reconstructions.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), file)
        }
        let report = try EvaluationReport(contentsOf: run.appendingPathComponent("evaluation/report.json"))
        XCTAssertEqual(report.details["images"], "8")
        XCTAssertTrue(report[metric: "PSNR"]!.isFinite)
        XCTAssertGreaterThan(report[metric: AutoencoderEvaluation.perceptualMetricName] ?? -1, 0)
        XCTAssertTrue(try String(contentsOf: run.appendingPathComponent("config.yaml"), encoding: .utf8).contains("seed: 3"))
        XCTAssertEqual(RunFolder.metricsSteps(run), [1, 2, 3, 4])

        // A second new run there would overwrite the first one's checkpoints: refused, saying what to do.
        XCTAssertThrowsError(try AutoencoderJobs.train(configFiles: [config], overrides: [], resume: nil, runDirectory: run)) {
            XCTAssertEqual($0 as? RunFolderError, .holdsARun(path: run.path))
            XCTAssertTrue("\($0)".contains("continue it with --resume \(run.path)"), "\($0)")
        }
    }

    /// The full loss as a user runs it: the pretrained perceptual network read from the weights cache,
    /// and the discriminator from step 2 on.
    func testTrainWithTheFullLossLogsItsTerms() throws {
        let config = try writeTinyImageFolderRun(in: folder)
        let run = folder.appendingPathComponent("run")
        try AutoencoderJobs.train(configFiles: [config], overrides: ["loss.perceptual_weight=0.1", "loss.disc_weight=0.5",
                                                                   "loss.disc_start=2", "loss.disc_ndf=8", "loss.disc_num_layers=2",
                                                                   "evaluation.perceptual_distance=false"],
                                  resume: nil, runDirectory: run)
        let lines = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertGreaterThan(lines[0]["p_loss"] as? Double ?? 0, 0)
        XCTAssertNotNil(lines.last?["d_loss"])
        let report = try EvaluationReport(contentsOf: run.appendingPathComponent("evaluation/report.json"))
        XCTAssertNil(report[metric: AutoencoderEvaluation.perceptualMetricName])
    }

    func testEvaluateAndReconstructFromACheckpoint() throws {
        let config = try writeTinyImageFolderRun(in: folder)
        let run = folder.appendingPathComponent("run")
        try AutoencoderJobs.train(configFiles: [config], overrides: [], resume: nil, runDirectory: run)
        let out = folder.appendingPathComponent("eval")
        try AutoencoderJobs.evaluate(checkpoint: run, dataFolder: folder.appendingPathComponent("images"),
                                     output: out, maxImages: 5)
        let report = try EvaluationReport(contentsOf: out.appendingPathComponent("report.json"))
        XCTAssertEqual(report.details["images"], "5")

        let image = folder.appendingPathComponent("images/image3.png")
        try AutoencoderJobs.reconstruct(checkpoint: run.appendingPathComponent("checkpoints/last.safetensors"),
                                        images: [image], output: folder.appendingPathComponent("rec"))
        let reconstruction = try Image(contentsOf: folder.appendingPathComponent("rec/image3-reconstruction.png"))
        XCTAssertEqual([reconstruction.width, reconstruction.height, reconstruction.channels], [16, 16, 1])
        let pair = try Image(contentsOf: folder.appendingPathComponent("rec/image3-pair.png"))
        XCTAssertEqual([pair.width, pair.height], [32, 16])
    }

    func testUnknownConfigKeyIsReportedWithFileAndSuggestion() throws {
        let config = try writeTinyImageFolderRun(in: folder)
        XCTAssertThrowsError(try AutoencoderJobs.train(configFiles: [config], overrides: ["train.step=3"], resume: nil,
                                                       runDirectory: folder.appendingPathComponent("run"))) { error in
            XCTAssertEqual("\(error)", "--set train.step=3: unknown config key 'train.step' (did you mean 'train.steps'?)")
        }
    }
}
