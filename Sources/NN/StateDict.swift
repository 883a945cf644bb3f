import TensorCore

/// Why a dictionary of saved tensors does not fit what it is loaded into (a module, an optimizer,
/// an exponential moving average).
public enum StateDictError: Error, Equatable, CustomStringConvertible {
    /// The receiver needs `key` and the dictionary lacks it.
    case missingKey(String)
    /// The dictionary holds `key` and the receiver has no such tensor.
    case unexpectedKey(String)
    /// The saved tensor `key` has another shape than the receiver's.
    case shapeMismatch(key: String, checkpoint: [Int], model: [Int])
    /// The saved tensor `key` has the right shape but a value the receiver cannot take.
    case invalidValue(key: String, reason: String)

    public var description: String {
        switch self {
        case .missingKey(let key): "\(key): missing from the checkpoint"
        case .unexpectedKey(let key): "\(key): in the checkpoint but not in the model"
        case .shapeMismatch(let key, let checkpoint, let model):
            "\(key): checkpoint \(compact(checkpoint)), model \(compact(model))"
        case .invalidValue(let key, let reason): "\(key): \(reason)"
        }
    }

    /// A shape written as `[3,64,3,3]`.
    private func compact(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ",") + "]" }
}

extension Dictionary where Key == String, Value == Tensor {
    /// The tensor saved under `key`, checked to have `shape`.
    public func requiredTensor(_ key: String, shape: [Int]) throws -> Tensor {
        guard let tensor = self[key] else { throw StateDictError.missingKey(key) }
        guard tensor.shape == shape else {
            throw StateDictError.shapeMismatch(key: key, checkpoint: tensor.shape, model: shape)
        }
        return tensor
    }
}

extension Module {
    /// Every parameter and buffer by its dotted key (PyTorch's `state_dict()`), as constants.
    public func stateDict() -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (key, parameter) in namedParameters() { result[key] = parameter.wrappedValue.detached() }
        for (key, buffer) in namedBuffers() { result[key] = buffer.wrappedValue }
        return result
    }

    /// Replaces parameters and buffers with the tensors of `stateDict` (PyTorch's `load_state_dict`).
    ///
    /// Nothing is changed unless every check passes. Strict loading requires the keys to match
    /// exactly; otherwise keys missing on either side are skipped and reported. A shape mismatch is
    /// always an error. Parameters are overwritten in place, so they keep their graph identity,
    /// frozen state, and the references optimizers hold.
    /// - Throws: `StateDictError` naming the first missing key (in declaration order), the first
    ///   unexpected key (in sorted order) or the first mismatching tensor with both shapes.
    @discardableResult
    public func load(stateDict: [String: Tensor], strict: Bool = true) throws
        -> (missingKeys: [String], unexpectedKeys: [String]) {
        let parameters = namedParameters(), buffers = namedBuffers()
        let modelShapes = parameters.map { ($0.key, $0.parameter.wrappedValue.shape) }
            + buffers.map { ($0.key, $0.buffer.wrappedValue.shape) }
        var missing: [String] = []
        for (key, shape) in modelShapes {
            guard let saved = stateDict[key] else {
                if strict { throw StateDictError.missingKey(key) }
                missing.append(key)
                continue
            }
            guard saved.shape == shape else {
                throw StateDictError.shapeMismatch(key: key, checkpoint: saved.shape, model: shape)
            }
        }
        let modelKeys = Set(modelShapes.map(\.0))
        let unexpected = stateDict.keys.filter { !modelKeys.contains($0) }.sorted()
        if strict, let first = unexpected.first { throw StateDictError.unexpectedKey(first) }

        for (key, parameter) in parameters {
            guard let saved = stateDict[key] else { continue }
            saved.withUnsafeScalars { source in
                parameter.update { destination in
                    guard let s = source.baseAddress, let d = destination.baseAddress else { return }
                    d.update(from: s, count: source.count)
                }
            }
        }
        for (key, buffer) in buffers {
            if let saved = stateDict[key] { buffer.wrappedValue = saved }
        }
        return (missing, unexpected)
    }
}
