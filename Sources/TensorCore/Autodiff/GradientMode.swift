/// Whether ops record graph nodes. Off inside `withoutGradients` and while pullbacks run.
public enum GradientMode {
    @TaskLocal static var disabled = false

    /// True when a differentiable op would record its node.
    public static var isRecording: Bool { !disabled }
}

/// Runs `body` without recording gradients: for sampling, caching, evaluation and EMA.
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientMode.$disabled.withValue(true, operation: body)
}

/// Runs `body` recording gradients even inside a `withoutGradients` scope (activation
/// checkpointing recomputes its block this way during the backward pass).
public func withGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientMode.$disabled.withValue(false, operation: body)
}
