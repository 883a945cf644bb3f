import Foundation

/// Reports training progress as one line, e.g.
/// `step 120/2000 | loss 0.0412 rec 0.0398 kl 1.23e3 | 3.4 it/s | ETA 9m12s`.
///
/// On a terminal the line is rewritten in place (carriage return); in a log (stdout not a TTY) each
/// report is a full line, at most one per `printInterval` seconds. The speed is averaged over the
/// last `rateWindow` updates, so it follows changes without jumping at every step; below one step
/// per second it is shown as seconds per step. The clock and the output are injectable for tests.
public final class ProgressReporter {
    public enum Style: Sendable {
        /// One line rewritten in place with "\r", for terminals.
        case overwriting
        /// A full line per report, for CI logs and files.
        case appending

        /// `.overwriting` when standard output is a terminal, else `.appending`.
        public static var automatic: Style { isatty(STDOUT_FILENO) != 0 ? .overwriting : .appending }
    }

    public let total: Int
    public let style: Style
    /// The clock time (see `clock`) at which the work stops whatever the step, e.g. at
    /// `train.max_minutes`; the ETA never runs past it.
    public var stopTime: Double?
    private let printInterval: Double
    private let rateWindow: Int
    private let clock: () -> Double
    private let write: (String) -> Void
    /// (step, time) of recent updates, oldest first, at most `rateWindow + 1`.
    private var recent: [(step: Int, time: Double)]
    private var lastPrintTime: Double?
    private var lastLine = ""
    private var lastLinePrinted = true

    /// - Parameters:
    ///   - total: the step at which training ends.
    ///   - startStep: the step training starts (or resumes) from; the speed is measured from it.
    ///   - printInterval: the least time in seconds between two printed lines (default 0.1 s when
    ///     overwriting, 10 s when appending); the first and the last step always print.
    ///   - rateWindow: how many recent updates the speed is averaged over.
    ///   - clock: seconds from any fixed origin, never decreasing.
    ///   - write: where the text goes (default: standard output, flushed).
    public init(total: Int, startStep: Int = 0, style: Style = .automatic, printInterval: Double? = nil,
                rateWindow: Int = 20, clock: @escaping () -> Double = ProgressReporter.monotonicSeconds,
                write: @escaping (String) -> Void = ProgressReporter.writeToStandardOutput) {
        precondition(rateWindow >= 1, "ProgressReporter: rateWindow \(rateWindow) must be at least 1")
        self.total = total
        self.style = style
        self.printInterval = printInterval ?? (style == .overwriting ? 0.1 : 10)
        self.rateWindow = rateWindow
        self.clock = clock
        self.write = write
        recent = [(startStep, clock())]
    }

    /// Records that `step` is done, with the named values to show (in order), and prints the line
    /// unless one was printed less than `printInterval` ago.
    public func update(step: Int, values: KeyValuePairs<String, Double> = [:]) {
        update(step: step, values: values.map { ($0.key, $0.value) })
    }

    /// Records that `step` is done, with the named values to show (in order), and prints the line
    /// unless one was printed less than `printInterval` ago.
    public func update(step: Int, values: [(String, Double)]) {
        let now = clock()
        recent.append((step, now))
        if recent.count > rateWindow + 1 { recent.removeFirst(recent.count - rateWindow - 1) }
        let previousLength = lastLine.count
        lastLine = line(step: step, values: values)
        let due = lastPrintTime.map { now - $0 >= printInterval } ?? true
        lastLinePrinted = due || step >= total
        guard lastLinePrinted else { return }
        lastPrintTime = now
        switch style {
        case .overwriting:
            write("\r" + lastLine + String(repeating: " ", count: max(0, previousLength - lastLine.count)))
        case .appending:
            write(lastLine + "\n")
        }
    }

    /// Ends the report: a newline after an overwritten line, or the last line if it was held back.
    public func finish() {
        switch style {
        case .overwriting:
            if lastPrintTime != nil { write(lastLinePrinted ? "\n" : "\r" + lastLine + "\n") }
        case .appending:
            if !lastLinePrinted { write(lastLine + "\n") }
        }
        lastLinePrinted = true
    }

    /// Steps per second over the recent updates, or nil before any time has passed.
    public var stepsPerSecond: Double? {
        guard let first = recent.first, let last = recent.last, last.time > first.time else { return nil }
        return Double(last.step - first.step) / (last.time - first.time)
    }

    /// The progress line for `step` and `values` at the current speed.
    func line(step: Int, values: [(String, Double)]) -> String {
        var sections = ["step \(step)/\(total)"]
        if !values.isEmpty {
            sections.append(values.map { "\($0.0) \(formatSignificant($0.1, digits: 3))" }.joined(separator: " "))
        }
        if let rate = stepsPerSecond, rate > 0 {
            sections.append(rate >= 1 ? String(format: "%.1f it/s", rate) : String(format: "%.1f s/it", 1 / rate))
            var remaining = Double(max(0, total - step)) / rate
            if let stopTime { remaining = min(remaining, max(0, stopTime - clock())) }
            sections.append("ETA " + formatDuration(remaining))
        } else {
            sections.append("-- it/s")
            sections.append("ETA --")
        }
        return sections.joined(separator: " | ")
    }

    /// Seconds since an arbitrary fixed point (the system's monotonic clock).
    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// Writes `text` to standard output and flushes it.
    public static func writeToStandardOutput(_ text: String) {
        fputs(text, stdout)
        fflush(stdout)
    }
}

/// A duration rounded to whole seconds, in its two largest units: "42s", "9m12s", "2h05m".
public func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds < 1e9 else { return "--" }
    let whole = Int(seconds.rounded())
    let (hours, minutes, rest) = (whole / 3600, whole % 3600 / 60, whole % 60)
    if hours > 0 { return String(format: "%dh%02dm", hours, minutes) }
    if minutes > 0 { return String(format: "%dm%02ds", minutes, rest) }
    return "\(rest)s"
}
