import Foundation
import Training
import XCTest

/// Runs the real `train-ae` binary and stops it the hard way (SIGKILL, as a crash or power cut would)
/// and the polite way (SIGINT, Ctrl-C), and checks that the run can always be resumed.
final class CrashSafetyTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = try makeTemporaryFolder("ae-crash")
        try writeTinyImageFolderRun(in: folder, train: """
            {steps: 100000, batch_size: 4, log_every: 1, image_every: 100000, checkpoint_every: 1, keep_checkpoints: 2}
            """)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// The folder holding the built products (train-ae beside the test bundle).
    private var productsFolder: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
    }

    private func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = productsFolder.appendingPathComponent("train-ae")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private var run: URL { folder.appendingPathComponent("run") }

    private func savedStep() throws -> Int {
        Int(try CheckpointStore.load(run).checkpoint.metadata["step"] ?? "") ?? -1
    }

    /// Waits until the run has checkpointed at least `steps` steps past `after`.
    private func waitForCheckpoints(after step: Int, steps: Int, process: Process) throws {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && process.isRunning {
            if let saved = try? savedStep(), saved >= step + steps { return }
            usleep(20_000)
        }
        XCTFail("train-ae made no checkpoints (running: \(process.isRunning), status \(process.terminationStatus))")
    }

    func testKillingAtAnyMomentLeavesALoadableCheckpointToResumeFrom() throws {
        guard FileManager.default.fileExists(atPath: productsFolder.appendingPathComponent("train-ae").path) else {
            throw XCTSkip("train-ae is not built beside the tests (swift build --build-tests builds it)")
        }
        var arguments = ["--config", folder.appendingPathComponent("tiny.yaml").path, "--run-dir", run.path]
        var lastStep = 0
        for attempt in 0..<4 {
            let process = try launch(arguments)
            try waitForCheckpoints(after: lastStep, steps: 2, process: process)
            usleep(UInt32(attempt * 7_000))  // a different moment of the save cycle each time
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let step = try savedStep()  // loads and parses the whole checkpoint
            XCTAssertGreaterThan(step, lastStep, "attempt \(attempt)")
            lastStep = step
            arguments = ["--resume", run.path]
        }
    }

    func testCtrlCWritesACheckpointAndStopsCleanly() throws {
        guard FileManager.default.fileExists(atPath: productsFolder.appendingPathComponent("train-ae").path) else {
            throw XCTSkip("train-ae is not built beside the tests (swift build --build-tests builds it)")
        }
        let process = try launch(["--config", folder.appendingPathComponent("tiny.yaml").path, "--run-dir", run.path,
                                  "--set", "train.checkpoint_every=100000"])
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && RunFolder.metricsSteps(run).count < 3 { usleep(20_000) }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let logged = RunFolder.metricsSteps(run).last ?? 0
        XCTAssertGreaterThanOrEqual(try savedStep(), logged)
    }
}
