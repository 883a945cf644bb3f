import NN
import Optimizers

extension Checkpoint {
    /// A checkpoint of a training run as both trainers write it: the model's weights, the optimizer's
    /// state, the moving average (when the run keeps one), and the format, kind, step, elapsed
    /// seconds and configuration; each trainer adds its own data position and generators.
    static func training(kind: String, model: Module, optimizer: any Optimizer, ema: ExponentialMovingAverage?,
                         step: Int, seconds: Double, configYAML: String) -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint.store("model", model.stateDict())
        checkpoint.store("optimizer", optimizer.stateTensors())
        if let ema { checkpoint.store("ema", ema.stateTensors()) }
        checkpoint.metadata["format"] = Checkpoint.format
        checkpoint.metadata["kind"] = kind
        checkpoint.metadata["step"] = "\(step)"
        checkpoint.metadata["seconds"] = "\(seconds)"
        checkpoint.metadata["config"] = configYAML
        return checkpoint
    }

    /// Restores the optimizer's state, the moving average (when the run keeps one), the step and the
    /// run clock's elapsed time, as both trainers write them.
    /// - Returns: the step.
    /// - Throws: `CheckpointError.mismatchedModel` when the optimizer or average state does not fit.
    func restoreTrainingState(optimizer: any Optimizer, ema: ExponentialMovingAverage?, clock: inout RunClock,
                              file: String) throws -> Int {
        do {
            try optimizer.loadState(section("optimizer"))
            if let ema { try ema.loadState(section("ema")) }
        } catch {
            throw CheckpointError.mismatchedModel(file: file, reason: "\(error)")
        }
        clock.offset = Double(metadata["seconds"] ?? "") ?? 0
        return Int(try string("step", file: file)) ?? 0
    }
}
