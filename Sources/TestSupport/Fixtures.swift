import Foundation
import TensorCore

/// Reference values written by the scripts in `Scripts/fixtures/` (PyTorch), stored as JSON in
/// `Tests/Fixtures/NAME.json`: `{"key": {"shape": [...], "data": [...]}, ...}`.
public enum Fixtures {
    /// The repository's `Tests/Fixtures` folder, found from this source file's location.
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures")

    /// Every tensor of fixture file `name` (without `.json`).
    public static func load(_ name: String) throws -> [String: Tensor] {
        let url = directory.appendingPathComponent("\(name).json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let entries = object as? [String: Any] else {
            throw FixtureError.malformed(url.path, "top level is not an object")
        }
        var tensors: [String: Tensor] = [:]
        for (key, value) in entries {
            guard let entry = value as? [String: Any], let shape = entry["shape"] as? [Int],
                  let data = entry["data"] as? [Double] else {
                throw FixtureError.malformed(url.path, "entry \(key) lacks shape or data")
            }
            tensors[key] = Tensor(shape: shape, scalars: data.map(Float.init))
        }
        return tensors
    }

    /// The URL of a fixture file of any type.
    public static func url(_ fileName: String) -> URL { directory.appendingPathComponent(fileName) }
}

public enum FixtureError: Error, CustomStringConvertible {
    case malformed(String, String)
    case missing(String, String)

    public var description: String {
        switch self {
        case .malformed(let path, let why): "fixture \(path) is malformed: \(why)"
        case .missing(let path, let key): "fixture \(path) has no entry \(key)"
        }
    }
}

extension Dictionary where Key == String, Value == Tensor {
    /// The fixture tensor `key`, or a failure naming it.
    public func tensor(_ key: String) throws -> Tensor {
        guard let t = self[key] else { throw FixtureError.missing("fixture", key) }
        return t
    }
}
