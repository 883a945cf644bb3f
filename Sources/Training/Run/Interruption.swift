import Foundation

/// Turns Ctrl-C (SIGINT) and SIGTERM into a flag the training loop checks after each step, so that
/// it can write a checkpoint and stop cleanly instead of dying mid-step. A second signal stops the
/// process at once.
public enum Interruption {
    nonisolated(unsafe) private static var requested: sig_atomic_t = 0

    /// Whether a stop was asked for since `install()`.
    public static var isRequested: Bool { requested != 0 }

    public static func install() {
        requested = 0
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { received in
                if Interruption.requested != 0 { _exit(128 + received) }
                Interruption.requested = 1
            }
        }
    }
}
