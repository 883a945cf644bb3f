import Configuration
import Foundation
import Models
import NN
import TensorCore
import Training
import WeightIO
import XCTest

final class AutoencoderResumeTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryFolder("ae-resume") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func trainer(_ config: AutoencoderRunConfig, run name: String,
                         resuming: (checkpoint: Checkpoint, file: URL)? = nil) throws -> AutoencoderTrainer {
        try AutoencoderTrainer(config: config, configYAML: try ConfigLoader.yaml(of: config),
                               run: try RunFolder(url: folder.appendingPathComponent(name)),
                               trainingData: SyntheticImages(), resumingFrom: resuming)
    }

    /// N steps, a checkpoint, a fresh process-like restart, M more steps: bit-identical to N + M.
    private func assertResumeIsExact(kind: AutoencoderModelConfig.Kind) throws {
        var config = tinyAutoencoderConfig(kind: kind)
        config.train.steps = 5
        let straight = try trainer(config, run: "straight")
        try straight.train()

        config.train.steps = 3
        let first = try trainer(config, run: "split")
        try first.train()
        config.train.steps = 5
        let resumed = try trainer(config, run: "split",
                                  resuming: try CheckpointStore.load(folder.appendingPathComponent("split")))
        XCTAssertEqual(resumed.step, 3)
        try resumed.train()

        let a = straight.firstStage.module.stateDict(), b = resumed.firstStage.module.stateDict()
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted())
        for key in a.keys { XCTAssertEqual(a[key]!.scalars, b[key]!.scalars, "\(key) differs after resuming") }
        let lastStraight = try CheckpointStore.load(folder.appendingPathComponent("straight")).checkpoint
        let lastResumed = try CheckpointStore.load(folder.appendingPathComponent("split")).checkpoint
        for (key, value) in lastStraight.tensors where key.hasPrefix("ema.") || key.hasPrefix("optimizer.") {
            XCTAssertEqual(value.scalars, lastResumed.tensors[key]?.scalars, "\(key) differs after resuming")
        }
        // The resumed run's metrics log has each step once.
        let steps = RunFolder.metricsSteps(folder.appendingPathComponent("split"))
        XCTAssertEqual(steps, [1, 2, 3, 4, 5])
    }

    /// With the batch in shards side by side, one thread or two train the same weights.
    func testShardedTrainingDoesNotDependOnTheThreadCount() throws {
        var config = tinyAutoencoderConfig(kind: .vq)
        config.train.steps = 3
        config.train.shards = 3
        let saved = ComputeSettings.threadCount
        defer { ComputeSettings.threadCount = saved }
        var weights: [[String: [Float]]] = []
        for threads in [1, 2] {
            ComputeSettings.threadCount = threads
            let trainer = try trainer(config, run: "threads-\(threads)")
            try trainer.train()
            weights.append(trainer.firstStage.module.stateDict().mapValues(\.scalars))
        }
        XCTAssertEqual(weights[0], weights[1])
    }

    func testKLResumeIsBitExact() throws { try assertResumeIsExact(kind: .kl) }
    func testVQResumeIsBitExact() throws { try assertResumeIsExact(kind: .vq) }

    func testCheckpointOfAnotherArchitectureIsRefusedNamingTheTensor() throws {
        let config = tinyAutoencoderConfig()
        try trainer(config, run: "small").train()
        var wider = config
        wider.model.architecture.zChannels = 3
        let checkpoint = try CheckpointStore.load(folder.appendingPathComponent("small"))
        XCTAssertThrowsError(try trainer(wider, run: "wider", resuming: checkpoint)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(checkpoint.file.path), message)
            XCTAssertTrue(message.contains("encoder.convOut.weight: checkpoint [4,32,3,3], model [6,32,3,3]"), message)
        }
        var vq = config
        vq.model.kind = .vq
        XCTAssertThrowsError(try trainer(vq, run: "vq", resuming: checkpoint)) { error in
            XCTAssertEqual(error as? CheckpointError, .wrongKind(file: checkpoint.file.path, found: "autoencoder-kl",
                                                                 expected: "autoencoder-vq"))
        }
    }

    func testTruncatedCheckpointIsAClearError() throws {
        try trainer(tinyAutoencoderConfig(), run: "run").train()
        let file = folder.appendingPathComponent("run/checkpoints/last.safetensors")
        let bytes = try Data(contentsOf: file)
        let truncated = folder.appendingPathComponent("truncated.safetensors")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        XCTAssertThrowsError(try CheckpointStore.load(truncated)) { error in
            XCTAssertTrue("\(error)".contains(truncated.path), "\(error)")
            XCTAssertTrue("\(error)".contains("truncated"), "\(error)")
        }
        XCTAssertThrowsError(try CheckpointStore.load(folder.appendingPathComponent("nowhere"))) { error in
            XCTAssertEqual(error as? CheckpointError, .notFound(path: folder.appendingPathComponent("nowhere").path))
        }
    }

    func testOnlyTheNewestCheckpointsAreKept() throws {
        var config = tinyAutoencoderConfig()
        config.train.checkpointEvery = 1
        config.train.keepCheckpoints = 2
        try trainer(config, run: "keep").train()
        let store = CheckpointStore(folder: folder.appendingPathComponent("keep/checkpoints"), keep: 2)
        XCTAssertEqual(store.stepFiles().map(\.lastPathComponent), ["step-0000004.safetensors", "step-0000005.safetensors"])
        let last = try CheckpointStore.load(store.folder)
        XCTAssertEqual(last.checkpoint.metadata["step"], "5")
    }
}

extension RunFolder {
    /// The steps logged in a run folder's metrics, in order.
    static func metricsSteps(_ url: URL) -> [Int] {
        MetricsLog(url: url.appendingPathComponent("metrics.jsonl")).entries().compactMap { $0["step"].map(Int.init) }
    }
}
