import NN
import TensorCore

/// The reference's state-dict keys for EfficientNet-Lite0's parameters, and loading its weights.
///
/// The reference (PyPI efficientnet-lite-pytorch 0.1.0) names modules with a leading underscore and
/// reuses `_bn0`/`_bn1` both at the top and inside a block, so a key is translated by position: its
/// first component by `topLevel`, and inside `_blocks.N.` the third by `block`; the tensor names
/// (weight, bias, running_mean, running_var) are the same on both sides.
public enum EfficientNetLite0Keys {
    /// Swift property ↔ reference attribute, at the top level.
    static let topLevel: [(swift: String, pyTorch: String)] = [
        ("stem", "_conv_stem"), ("stemNorm", "_bn0"), ("blocks", "_blocks"),
        ("head", "_conv_head"), ("headNorm", "_bn1"), ("classifier", "_fc"),
    ]
    /// Swift property ↔ reference attribute, inside a block.
    static let block: [(swift: String, pyTorch: String)] = [
        ("expand", "_expand_conv"), ("expandNorm", "_bn0"), ("depthwise", "_depthwise_conv"),
        ("depthwiseNorm", "_bn1"), ("project", "_project_conv"), ("projectNorm", "_bn2"),
    ]

    /// `blocks.3.depthwiseNorm.running_var` → `_blocks.3._bn1.running_var`; nil for a key naming no
    /// module of the network.
    public static func pyTorchKey(_ swiftKey: String) -> String? { toPyTorch.translate(swiftKey) }

    /// The inverse of `pyTorchKey`: `_blocks.3._bn1.running_var` → `blocks.3.depthwiseNorm.running_var`.
    public static func swiftKey(_ pyTorchKey: String) -> String? { toSwift.translate(pyTorchKey) }

    private static let toPyTorch = Translation(topLevel: topLevel.map { ($0.swift, $0.pyTorch) },
                                               block: block.map { ($0.swift, $0.pyTorch) }, blocks: "blocks")
    private static let toSwift = Translation(topLevel: topLevel.map { ($0.pyTorch, $0.swift) },
                                             block: block.map { ($0.pyTorch, $0.swift) }, blocks: "_blocks")

    /// Renames in one direction.
    private struct Translation {
        let topLevel: [String: String]
        let block: [String: String]
        /// The name of the blocks' list on the source side.
        let blocks: String

        init(topLevel: [(String, String)], block: [(String, String)], blocks: String) {
            self.topLevel = Dictionary(uniqueKeysWithValues: topLevel)
            self.block = Dictionary(uniqueKeysWithValues: block)
            self.blocks = blocks
        }

        func translate(_ key: String) -> String? {
            var components = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard components.count >= 2, let first = topLevel[components[0]] else { return nil }
            if components[0] == blocks {
                guard components.count >= 4, Int(components[1]) != nil,
                      let inner = block[components[2]] else { return nil }
                components[2] = inner
            }
            components[0] = first
            return components.joined(separator: ".")
        }
    }
}

extension EfficientNetLite0 {
    /// The network with the weights of the reference's state dict (keys as in the .pth file).
    public convenience init(pyTorchStateDict: [String: Tensor]) throws {
        var generator = SeededGenerator(seed: 0)
        self.init(generator: &generator)
        try load(pyTorchStateDict: pyTorchStateDict)
    }

    /// Loads the reference's state dict (keys as in the .pth file; PyTorch's `num_batches_tracked`
    /// counters are ignored). Nothing changes unless every tensor fits.
    /// - Throws: `StateDictError` naming, by its reference key, a tensor the network lacks, one the
    ///   state dict lacks, or one whose shape differs (with both shapes).
    public func load(pyTorchStateDict: [String: Tensor]) throws {
        var renamed: [String: Tensor] = [:]
        for (key, tensor) in pyTorchStateDict where !key.hasSuffix(".num_batches_tracked") {
            guard let swiftKey = EfficientNetLite0Keys.swiftKey(key) else { throw StateDictError.unexpectedKey(key) }
            renamed[swiftKey] = tensor
        }
        do {
            try load(stateDict: renamed)
        } catch let error as StateDictError {
            throw Self.namingReferenceKey(error)
        }
    }

    /// The same error with the network's key replaced by the reference's.
    private static func namingReferenceKey(_ error: StateDictError) -> StateDictError {
        func reference(_ key: String) -> String { EfficientNetLite0Keys.pyTorchKey(key) ?? key }
        switch error {
        case .missingKey(let key): return .missingKey(reference(key))
        case .unexpectedKey(let key): return .unexpectedKey(reference(key))
        case .shapeMismatch(let key, let checkpoint, let model):
            return .shapeMismatch(key: reference(key), checkpoint: checkpoint, model: model)
        case .invalidValue(let key, let reason): return .invalidValue(key: reference(key), reason: reason)
        }
    }
}
