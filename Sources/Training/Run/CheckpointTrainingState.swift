import Optimizers

extension Checkpoint {
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
