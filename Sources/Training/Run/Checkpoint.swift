import Foundation
import NN
import TensorCore
import WeightIO

/// Everything needed to resume a run, as one safetensors file: tensors under section prefixes
/// ("model.", "ema.", "optimizer.", …) and string metadata (step, kind, config, generator and
/// data-loader states as JSON).
public struct Checkpoint {
    public var tensors: [String: Tensor] = [:]
    public var metadata: [String: String] = [:]

    /// The value of the "format" metadata of every swift-ldm checkpoint.
    public static let format = "swift-ldm-checkpoint/1"

    public init() {}

    /// Throws unless this is a swift-ldm checkpoint of `kind` (e.g. "autoencoder-kl").
    public func checkKind(_ kind: String, file: String) throws {
        guard try string("format", file: file) == Self.format else {
            throw CheckpointError.invalidMetadata(file: file, key: "format", reason: "expected \(Self.format)")
        }
        let found = try string("kind", file: file)
        guard found == kind else { throw CheckpointError.wrongKind(file: file, found: found, expected: kind) }
    }

    /// Loads the "model" section into `module`; a missing, unexpected or differently shaped tensor is
    /// a `CheckpointError` naming it (and both shapes).
    public func loadWeights(into module: Module, section name: String = "model", file: String) throws {
        do {
            try module.load(stateDict: section(name))
        } catch {
            throw CheckpointError.mismatchedModel(file: file, reason: "\(error)")
        }
    }

    /// Loads the exponential moving average of the weights (the "ema" section's shadows) into `module`.
    public func loadAveragedWeights(into module: Module, file: String) throws {
        var averaged: [String: Tensor] = [:]
        for (key, value) in section("ema") where key.hasPrefix("shadow.") { averaged[String(key.dropFirst(7))] = value }
        do {
            try module.load(stateDict: averaged, strict: false)
        } catch {
            throw CheckpointError.mismatchedModel(file: file, reason: "EMA weights: \(error)")
        }
    }

    /// Adds `tensors` under "`section`.key".
    public mutating func store(_ section: String, _ tensors: [String: Tensor]) {
        for (key, value) in tensors { self.tensors["\(section).\(key)"] = value }
    }

    /// The tensors stored under `section`, with the prefix removed.
    public func section(_ section: String) -> [String: Tensor] {
        let prefix = "\(section)."
        var result: [String: Tensor] = [:]
        for (key, value) in tensors where key.hasPrefix(prefix) { result[String(key.dropFirst(prefix.count))] = value }
        return result
    }

    /// Stores a `Codable` value as JSON metadata.
    public mutating func storeJSON<T: Encodable>(_ key: String, _ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        metadata[key] = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A `Codable` value stored with `storeJSON`, or a `CheckpointError` naming the key.
    public func json<T: Decodable>(_ key: String, as type: T.Type, file: String) throws -> T {
        guard let text = metadata[key] else { throw CheckpointError.missingMetadata(file: file, key: key) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw CheckpointError.invalidMetadata(file: file, key: key, reason: "\(error)")
        }
    }

    /// A metadata string, or a `CheckpointError` naming the key.
    public func string(_ key: String, file: String) throws -> String {
        guard let text = metadata[key] else { throw CheckpointError.missingMetadata(file: file, key: key) }
        return text
    }
}

/// What is wrong with a checkpoint, naming the file.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    case notFound(path: String)
    case missingMetadata(file: String, key: String)
    case invalidMetadata(file: String, key: String, reason: String)
    case wrongKind(file: String, found: String, expected: String)
    case mismatchedModel(file: String, reason: String)

    public var description: String {
        switch self {
        case let .notFound(path): "no checkpoint at \(path) (expected a .safetensors file or a run folder with checkpoints/last.safetensors)"
        case let .missingMetadata(file, key): "\(file): not a swift-ldm checkpoint: no '\(key)' in its metadata"
        case let .invalidMetadata(file, key, reason): "\(file): checkpoint metadata '\(key)' is unreadable: \(reason)"
        case let .wrongKind(file, found, expected): "\(file): a checkpoint of a \(found), but this command needs a \(expected)"
        case let .mismatchedModel(file, reason): "\(file): checkpoint does not fit the model: \(reason)"
        }
    }
}
