import TensorCore

extension PyTorchCheckpoint {
    /// The floating-point tensors of the state dict, converted to Float32, by dotted key.
    ///
    /// See `tensors(prefix:)` for which dict is read and how keys are formed; integer and bool
    /// tensors (such as BatchNorm's `num_batches_tracked`) are left out.
    /// - Throws: `PyTorchCheckpointError` when there is no state dict or no tensor key begins with `prefix`.
    public func stateDict(prefix: String = "") throws -> [String: Tensor] {
        try tensors(prefix: prefix).filter { $0.value.dtype.isFloatingPoint }.mapValues { $0.floatTensor() }
    }

    /// Every tensor of the state dict, of any dtype, by dotted key.
    ///
    /// The state dict is the top level's `state_dict` entry when it has one (Lightning and CompVis
    /// `.ckpt` files), otherwise the top level itself, which must be a dict. Nested dicts join their
    /// keys with dots (`{"encoder": {"conv.weight": …}}` gives `encoder.conv.weight`); values that
    /// are not tensors are skipped. With a `prefix`, only keys that begin with it are returned, with
    /// the prefix removed (`"first_stage_model."` turns a latent diffusion checkpoint's autoencoder
    /// weights into the autoencoder's own keys).
    /// - Throws: `PyTorchCheckpointError` when there is no state dict or no tensor key begins with `prefix`.
    public func tensors(prefix: String = "") throws -> [String: TorchTensor] {
        guard let entries = root["state_dict"]?.entries ?? root.entries else {
            throw PyTorchCheckpointError(path: path, problem: .noStateDict(reason: "its top level is \(root.kindDescription), not a dict"))
        }
        var all: [String: TorchTensor] = [:]
        Self.collectTensors(entries, keyPrefix: "", into: &all)
        guard !prefix.isEmpty else { return all }
        let matching = all.filter { $0.key.hasPrefix(prefix) }
        guard !matching.isEmpty else {
            let firstParts = Set(all.keys.map { $0.split(separator: ".").first.map(String.init) ?? $0 }).sorted().prefix(5)
            throw PyTorchCheckpointError(path: path, problem: .noStateDict(
                reason: "no tensor key begins with \"\(prefix)\" (the keys begin with \(firstParts.joined(separator: ", ")))"))
        }
        return Dictionary(uniqueKeysWithValues: matching.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
    }

    /// Adds the tensors of `entries` and of the dicts nested in them, keyed `keyPrefix` + dotted key.
    private static func collectTensors(_ entries: [PickleDictEntry], keyPrefix: String, into tensors: inout [String: TorchTensor]) {
        for entry in entries {
            let key: String
            switch entry.key {
            case .string(let string): key = keyPrefix + string
            case .int(let int): key = keyPrefix + String(int)
            default: continue
            }
            switch entry.value {
            case .tensor(let tensor): tensors[key] = tensor
            case .dict(let nested): collectTensors(nested, keyPrefix: key + ".", into: &tensors)
            default: continue
            }
        }
    }
}
