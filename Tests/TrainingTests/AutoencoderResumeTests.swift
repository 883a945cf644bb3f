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
                               trainingData: SyntheticImages(),
                               perceptual: config.loss.perceptualWeight > 0 ? pooledImageDistance : nil,
                               resumingFrom: resuming)
    }

    /// N steps, a checkpoint, a fresh process-like restart, M more steps: bit-identical to N + M.
    private func assertResumeIsExact(kind: AutoencoderModelConfig.Kind, adversarial: Bool = false) throws {
        var config = adversarial ? tinyAdversarialAutoencoderConfig(kind: kind) : tinyAutoencoderConfig(kind: kind)
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
        let sections = ["ema.", "optimizer.", "discriminator.", "disc_optimizer."]
        XCTAssertEqual(lastStraight.tensors.keys.contains { $0.hasPrefix("discriminator.") }, adversarial)
        for (key, value) in lastStraight.tensors where sections.contains(where: key.hasPrefix) {
            XCTAssertEqual(value.scalars, lastResumed.tensors[key]?.scalars, "\(key) differs after resuming")
        }
        // The resumed run's metrics log has each step once.
        let steps = RunFolder.metricsSteps(folder.appendingPathComponent("split"))
        XCTAssertEqual(steps, [1, 2, 3, 4, 5])
    }

    /// With the batch in shards side by side, one thread or two train the same weights (with the full
    /// loss, whose adaptive weight gathers both shards' gradients between the two passes).
    func testShardedTrainingDoesNotDependOnTheThreadCount() throws {
        var config = tinyAdversarialAutoencoderConfig(kind: .vq)
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
    /// Resuming in the middle of adversarial training (disc_start 2, stopped at 3) restores the
    /// discriminator and its optimizer exactly.
    func testAdversarialResumeIsBitExact() throws { try assertResumeIsExact(kind: .kl, adversarial: true) }
    func testAdversarialVQResumeIsBitExact() throws { try assertResumeIsExact(kind: .vq, adversarial: true) }

    func testAdversarialRunLogsTheReferenceMetricsFromDiscStart() throws {
        let config = tinyAdversarialAutoencoderConfig()
        try trainer(config, run: "gan").train()
        let lines = try String(contentsOf: folder.appendingPathComponent("gan/metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(lines.count, 5)
        let adversarialNames = ["d_weight", "g_loss", "d_loss", "logits_real", "logits_fake"]
        XCTAssertEqual(lines[1]["disc_factor"] as? Double, 0)  // step 2 runs at step index 1 < disc_start
        XCTAssertTrue(adversarialNames.allSatisfy { lines[1][$0] == nil })
        XCTAssertEqual(lines[2]["disc_factor"] as? Double, 1)
        for name in adversarialNames + ["p_loss"] { XCTAssertNotNil(lines[2][name], name) }
        XCTAssertGreaterThan(lines[2]["d_weight"] as! Double, 0)
    }

    func testCheckpointWithoutADiscriminatorIsRefusedByAnAdversarialConfig() throws {
        try trainer(tinyAutoencoderConfig(), run: "plain").train()
        let checkpoint = try CheckpointStore.load(folder.appendingPathComponent("plain"))
        XCTAssertThrowsError(try trainer(tinyAdversarialAutoencoderConfig(), run: "gan", resuming: checkpoint)) { error in
            XCTAssertTrue("\(error)".contains(checkpoint.file.path), "\(error)")
            XCTAssertTrue("\(error)".contains("no discriminator"), "\(error)")
        }
    }

    func testLossSettingsThatCannotWorkAreNamed() throws {
        var config = tinyAdversarialAutoencoderConfig()
        config.loss.discBetas = [0.5]
        XCTAssertThrowsError(try trainer(config, run: "betas")) { XCTAssertTrue("\($0)".contains("loss.disc_betas"), "\($0)") }
        config = tinyAdversarialAutoencoderConfig()
        config.loss.discNumLayers = 0
        XCTAssertThrowsError(try trainer(config, run: "depth")) { XCTAssertTrue("\($0)".contains("loss.disc_num_layers"), "\($0)") }
        config.loss.discNumLayers = 3  // 16-pixel images: three layers need at least 24
        config.data.imageSize = 16
        XCTAssertThrowsError(try trainer(config, run: "deep")) { XCTAssertTrue("\($0)".contains("at least 24 pixels"), "\($0)") }
        config = tinyAutoencoderConfig()
        config.loss.perceptualWeight = 1
        XCTAssertThrowsError(try AutoencoderTrainer(config: config, configYAML: "", run: try RunFolder(url: folder.appendingPathComponent("p")),
                                                    trainingData: SyntheticImages())) {
            XCTAssertTrue("\($0)".contains("loss.perceptual_weight"), "\($0)")
        }
    }

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
