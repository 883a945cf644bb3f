import Foundation

/// The run's metrics as JSON lines (`metrics.jsonl`): one object per logged step with "step",
/// "time" (seconds since the run began), "lr" and every loss term.
public struct MetricsLog {
    public let url: URL

    public init(url: URL) { self.url = url }

    /// Appends one line.
    public func append(_ fields: [String: Double]) throws {
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) + Data("\n".utf8)
        if !FileManager.default.fileExists(atPath: url.path) {
            try data.write(to: url)
            return
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }

    /// Every line, parsed (lines that do not parse are skipped).
    public func entries() -> [[String: Double]] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Double]
        }
    }

    /// Drops the lines of steps after `step`: a resumed run logs them again.
    public func truncate(after step: Int) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let kept = (try String(contentsOf: url, encoding: .utf8)).split(separator: "\n").filter { line in
            let fields = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Double]
            return (fields?["step"]).map { $0 <= Double(step) } ?? false
        }
        try (kept.joined(separator: "\n") + (kept.isEmpty ? "" : "\n")).write(to: url, atomically: true, encoding: .utf8)
    }

    /// The values of each named metric against the step, for loss curves, reading the log once;
    /// metrics that were never logged are left out.
    public func series(_ names: [String]) -> [(name: String, points: [(step: Double, value: Double)])] {
        let logged = entries()
        var result: [(name: String, points: [(step: Double, value: Double)])] = []
        for name in names {
            let points: [(step: Double, value: Double)] = logged.compactMap { entry in
                guard let step = entry["step"], let value = entry[name] else { return nil }
                return (step, value)
            }
            if !points.isEmpty { result.append((name, points)) }
        }
        return result
    }
}
