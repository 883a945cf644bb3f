import Foundation

/// Seconds since the run's first step, continued across resumes (the checkpoint stores the time
/// already spent).
struct RunClock {
    private let start = ProcessInfo.processInfo.systemUptime
    var offset: Double = 0

    var seconds: Double { offset + ProcessInfo.processInfo.systemUptime - start }
}
