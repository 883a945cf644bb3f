import Foundation

/// The folder a training run writes: `config.yaml` (the merged configuration), `checkpoints/`,
/// `metrics.jsonl`, `images/` (grids of inputs beside outputs), `loss.png`, and `evaluation/`.
public struct RunFolder {
    public let url: URL

    public init(url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
    }

    /// The folder for a new run at `url`, refused when it already holds a run's checkpoints: starting
    /// afresh there would overwrite them.
    public static func forNewRun(at url: URL) throws -> RunFolder {
        let folder = try RunFolder(url: url)
        let last = folder.checkpointsFolder.appendingPathComponent("last.safetensors")
        if FileManager.default.fileExists(atPath: last.path) { throw RunFolderError.holdsARun(path: url.path) }
        return folder
    }

    /// `checkpoints/<name>-<yyyyMMdd-HHmmss>` under the current folder: the default for a new run.
    public static func defaultLocation(configName: String, date: Date = Date()) -> URL {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return URL(fileURLWithPath: "checkpoints").appendingPathComponent("\(configName)-\(formatter.string(from: date))")
    }

    public var configFile: URL { url.appendingPathComponent("config.yaml") }
    public var checkpointsFolder: URL { url.appendingPathComponent("checkpoints") }
    public var metrics: MetricsLog { MetricsLog(url: url.appendingPathComponent("metrics.jsonl")) }
    public var images: URL { url.appendingPathComponent("images") }
    public var lossCurve: URL { url.appendingPathComponent("loss.png") }
    public var evaluation: URL { url.appendingPathComponent("evaluation") }

    /// The picture file for `step`, e.g. `images/step-0000500.png`.
    public func imageFile(step: Int, name: String = "step") -> URL {
        images.appendingPathComponent(String(format: "%@-%07d.png", name, step))
    }
}

/// Why a run folder cannot be used.
public enum RunFolderError: Error, Equatable, CustomStringConvertible {
    case holdsARun(path: String)

    public var description: String {
        switch self {
        case let .holdsARun(path):
            "\(path) already holds a run (checkpoints/last.safetensors); continue it with --resume \(path), "
                + "or choose another --run-dir"
        }
    }
}
