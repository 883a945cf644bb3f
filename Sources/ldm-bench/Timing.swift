import Foundation

/// One timed unit of a benchmark case: a step closure and what one step amounts to.
struct TimedStep {
    /// The name printed in the JSON `case` field.
    var name: String
    /// Samples per step (batch size); nil for kernels such as sgemm.
    var batch: Int?
    /// Trainable parameters involved.
    var parameterCount: Int = 0
    /// Floating-point operations per step (matmul/conv only, as torch's FlopCounterMode counts).
    var flopsPerStep: Double?
    /// Extra fields copied into the JSON line.
    var extra: [String: Any] = [:]
    /// Default number of timed steps (torch_ref.py's suite).
    var defaultSteps: Int
    var step: () -> Void
    /// The forward pass alone and its flops, timed after the step and reported as the `fwd_*` fields.
    var forward: (flops: Double, step: () -> Void)? = nil
}

/// A benchmark case: one or more timed steps (sgemm has two sizes).
struct BenchmarkCase {
    var steps: [TimedStep]

    /// Runs each step `warmup` times untimed, then `steps` times timed; returns one record per step.
    func run(warmup: Int, steps requested: Int?) -> [[String: Any]] {
        steps.map { timed in
            let count = requested ?? timed.defaultSteps
            let sorted = sortedSeconds(of: timed.step, warmup: warmup, count: count)
            let median = medianOfSorted(sorted)
            var record: [String: Any] = [
                "case": timed.name, "warmup": warmup, "n_timed": sorted.count,
                "median_s": median, "min_s": sorted.first ?? 0, "max_s": sorted.last ?? 0,
                "params": timed.parameterCount, "peak_rss_mb": peakResidentMegabytes(),
            ]
            if let batch = timed.batch {
                record["batch"] = batch
                record["samples_per_s"] = Double(batch) / median
            }
            if let flops = timed.flopsPerStep {
                record["flops_per_step"] = flops
                record["gflops_median"] = flops / median * 1e-9
                record["gflops_best"] = flops / (sorted.first ?? median) * 1e-9
            }
            if let forward = timed.forward {
                let forwardSorted = sortedSeconds(of: forward.step, warmup: warmup, count: count)
                let forwardMedian = medianOfSorted(forwardSorted)
                record["fwd_median_s"] = forwardMedian
                record["fwd_min_s"] = forwardSorted.first ?? 0
                record["fwd_gflops_median"] = forward.flops / forwardMedian * 1e-9
                record["fwd_gflops_best"] = forward.flops / (forwardSorted.first ?? forwardMedian) * 1e-9
            }
            record.merge(timed.extra) { _, new in new }
            return record
        }
    }

    /// Runs `step` `warmup` times untimed, then `count` times timed; the durations in seconds, sorted.
    private func sortedSeconds(of step: () -> Void, warmup: Int, count: Int) -> [Double] {
        for _ in 0..<warmup { step() }
        var seconds: [Double] = []
        for _ in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            step()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return seconds.sorted()
    }

    private func medianOfSorted(_ sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// The process's peak resident set size in MiB (getrusage's ru_maxrss is in KiB on Linux).
func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Minimal JSON encoding of a flat record with sorted keys (numbers, strings, booleans).
enum JSONLine {
    static func encode(_ fields: [String: Any]) -> String {
        let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
