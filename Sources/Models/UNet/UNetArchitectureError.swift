/// A UNet architecture that cannot be built, naming the setting, its value and what was expected.
public struct UNetArchitectureError: Error, Equatable, CustomStringConvertible {
    /// The CompVis name of the setting, e.g. `num_head_channels`.
    public let key: String
    public let value: String
    public let expected: String

    public var description: String { "UNet architecture: \(key) = \(value) is invalid: expected \(expected)" }
}

extension UNetArchitecture {
    /// Checks every setting; the UNet can be built exactly when this does not throw.
    /// - Throws: `UNetArchitectureError` for the first invalid setting.
    public func validate() throws {
        try require(inChannels > 0, "in_channels", inChannels, "a positive channel count")
        try require(outChannels > 0, "out_channels", outChannels, "a positive channel count")
        try require(!channelMultipliers.isEmpty && channelMultipliers.allSatisfy { $0 > 0 }, "channel_mult",
                    channelMultipliers, "a non-empty list of positive multipliers")
        try require(modelChannels > 0 && channelMultipliers.allSatisfy { modelChannels * $0 % 32 == 0 },
                    "model_channels", modelChannels,
                    "channels (times each of channel_mult \(channelMultipliers)) divisible by GroupNorm's 32 groups")
        try require(residualBlocks >= 0, "num_res_blocks", residualBlocks, "a count ≥ 0")
        let factors = channelMultipliers.indices.map { 1 << $0 }
        try require(attentionResolutions.allSatisfy(factors.contains), "attention_resolutions", attentionResolutions,
                    "downsample factors among \(factors) (not pixel sizes)")
        try validateHeads()
        try require(transformerDepth > 0, "transformer_depth", transformerDepth, "a count ≥ 1")
        try require(contextDimension.map { $0 > 0 } ?? true, "context_dim", contextDimension.map(String.init) ?? "nil",
                    "a positive feature size, or nil for no cross-attention")
        try require(dropout >= 0 && dropout < 1, "dropout", dropout, "a probability in [0, 1)")
        try require(numClasses.map { $0 > 0 } ?? true, "num_classes", numClasses.map(String.init) ?? "nil",
                    "a positive class count, or nil for no class embedding")
    }

    private func validateHeads() throws {
        if numHeadChannels != -1 {
            try require(numHeadChannels > 0, "num_head_channels", numHeadChannels, "a positive width, or −1 to use num_heads")
            for channels in transformerChannels {
                try require(channels >= numHeadChannels, "num_head_channels", numHeadChannels,
                            "at most the \(channels) channels of every attention level")
            }
        } else {
            try require(numHeads > 0, "num_heads", numHeads,
                        "a positive head count when num_head_channels is −1 (one of the two must be set)")
            for channels in transformerChannels {
                try require(channels >= numHeads, "num_heads", numHeads,
                            "at most the \(channels) channels of every attention level")
            }
        }
    }

    private func require(_ condition: Bool, _ key: String, _ value: Any, _ expected: String) throws {
        guard condition else { throw UNetArchitectureError(key: key, value: "\(value)", expected: expected) }
    }
}
