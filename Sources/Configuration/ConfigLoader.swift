import Foundation

/// A configuration struct: `Codable`, with every setting given a default by `init()`.
public protocol Configuration: Codable {
    init()
}

/// Loads a configuration: the struct's defaults, then each YAML file laid over them left to right,
/// then `--set key.path=value` overrides. Unknown or mistyped keys and values of the wrong type are
/// errors naming the key, the file and line, and the nearest valid key.
public enum ConfigLoader {
    /// - Parameter base: YAML laid over the defaults before the files (a resumed run's saved
    ///   configuration), with the name its errors cite.
    public static func load<C: Configuration>(_ type: C.Type, base: (yaml: String, source: String)? = nil,
                                              files: [URL], overrides: [String] = []) throws -> (config: C, tree: ConfigNode) {
        var tree = try ConfigTreeEncoder.encode(C())
        if let base {
            tree = try tree.merging(try ConfigNode.parse(yaml: base.yaml, sourceName: base.source))
        }
        for file in files {
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw ConfigError.unreadableFile(path: file.path, message: error.localizedDescription)
            }
            tree = try tree.merging(try ConfigNode.parse(yaml: text, sourceName: file.path))
        }
        for assignment in overrides {
            tree = try tree.merging(try ConfigNode.override(assignment))
        }
        let config = try ConfigTreeDecoder.decode(C.self, from: tree, codingPath: [])
        return (config, tree)
    }

    /// The YAML text of a configuration value (to save the merged configuration in a run folder).
    public static func yaml<C: Configuration>(of config: C) throws -> String {
        try ConfigTreeEncoder.encode(config).yaml()
    }
}
