import Datasets
import Evaluation
import Foundation
import Training
import XCTest

/// Trains the default judge on the full Fashion-MNIST and prints its report; skipped unless
/// `LDM_MEASURE_JUDGE=1`. Settings come from `LDM_JUDGE_STEPS`, `LDM_JUDGE_WIDTH` and `LDM_JUDGE_PATH`:
///
///     swift build -c release --build-tests
///     LDM_MEASURE_JUDGE=1 swift test -c release --skip-build --filter ImageJudgeMeasurement
final class ImageJudgeMeasurement: XCTestCase {
    func testFashionMNISTJudge() throws {
        let environment = ProcessInfo.processInfo.environment
        try XCTSkipUnless(environment["LDM_MEASURE_JUDGE"] == "1", "set LDM_MEASURE_JUDGE=1 to train the Fashion-MNIST judge")
        var config = ImageJudgeConfig()
        if let steps = environment["LDM_JUDGE_STEPS"].flatMap(Int.init) { config.steps = steps }
        if let width = environment["LDM_JUDGE_WIDTH"].flatMap(Int.init) { config.width = width }
        config.path = environment["LDM_JUDGE_PATH"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("judge-fashion-mnist.safetensors").path
        let start = Date()
        let (_, report) = try trainImageJudge(train: try FashionMNIST(split: .train), heldOut: try FashionMNIST(split: .test),
                                              config: config, progress: ProgressReporter(total: config.steps, style: .appending))
        print("judge: \(config.steps) steps, width \(config.width), batch \(config.batchSize): "
              + "held-out accuracy \(report.heldOutAccuracy), FD floor \(report.frechetFloor), "
              + "training \(Int(report.trainingSeconds)) s, total \(Int(Date().timeIntervalSince(start))) s, saved to \(config.path)")
        XCTAssertGreaterThanOrEqual(report.heldOutAccuracy, 0.9)
    }
}
