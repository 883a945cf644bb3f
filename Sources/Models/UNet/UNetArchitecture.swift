/// The shape of a diffusion UNet, with CompVis's `unet_config.params` names and meanings.
///
/// Channels at level l are modelChannels·channelMultipliers[l]; each level but the last ends in a
/// downsample, so inputs need H and W divisible by 2^(levels − 1). A level whose downsample factor
/// 2^l is in `attentionResolutions` gets a SpatialTransformer after each residual block, as does the
/// middle block always. Attention heads come from `numHeadChannels` (channels per head) when it is
/// set, else from `numHeads`; set the other to −1, as CompVis. CompVis openaimodel.py `UNetModel`
/// with `use_spatial_transformer: true` (also when `context_dim` is nil: then the second attention
/// of each transformer block attends to the features themselves).
public struct UNetArchitecture: Codable, Equatable, Sendable {
    /// Channels of the input and of the prediction (`in_channels`, `out_channels`). For concat
    /// conditioning, inChannels counts the concatenated channels too.
    public var inChannels = 4
    public var outChannels = 4
    /// Channels after the first convolution; the time embedding has 4× as many (`model_channels`).
    public var modelChannels = 64
    /// Residual blocks per level on the way down; the way up has one more (`num_res_blocks`).
    public var residualBlocks = 2
    /// Downsample factors (1, 2, 4, …) whose levels have attention (`attention_resolutions`).
    public var attentionResolutions = [2, 4]
    /// Channel multiplier per level (`channel_mult`).
    public var channelMultipliers = [1, 2, 2]
    /// Attention heads per transformer, or −1 to derive them from `numHeadChannels` (`num_heads`).
    public var numHeads = -1
    /// Channels per attention head, or −1 to use `numHeads` (`num_head_channels`).
    public var numHeadChannels = 32
    /// Transformer blocks per SpatialTransformer (`transformer_depth`).
    public var transformerDepth = 1
    /// Feature size of the cross-attention context, nil for none (`context_dim`).
    public var contextDimension: Int? = nil
    /// Scale and shift the second norm of each residual block by the time embedding (`use_scale_shift_norm`).
    public var useScaleShiftNorm = false
    /// Dropout probability inside the residual blocks (`dropout`).
    public var dropout: Float = 0
    /// Classes of a class-embedding table added to the time embedding, nil for none (`num_classes`).
    public var numClasses: Int? = nil
    /// Activation checkpointing of every residual block and spatial transformer (`use_checkpoint`):
    /// their activations are recomputed in the backward pass instead of kept, for less memory and
    /// about one more forward pass of time.
    public var useCheckpoint = false

    public init() {}

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels", modelChannels = "model_channels"
        case residualBlocks = "num_res_blocks", attentionResolutions = "attention_resolutions"
        case channelMultipliers = "channel_mult", numHeads = "num_heads", numHeadChannels = "num_head_channels"
        case transformerDepth = "transformer_depth", contextDimension = "context_dim"
        case useScaleShiftNorm = "use_scale_shift_norm", dropout, numClasses = "num_classes"
        case useCheckpoint = "use_checkpoint"
    }

    /// Channels of the time (and class) embedding.
    public var embeddingChannels: Int { 4 * modelChannels }

    /// The total downsampling factor 2^(levels − 1): H and W of inputs must be multiples of it.
    public var downsamplingFactor: Int { 1 << (channelMultipliers.count - 1) }

    /// Heads and channels per head of a SpatialTransformer over `channels` channels. Their product
    /// is less than `channels` when the division leaves a remainder (CompVis floors it too).
    public func attentionHeads(channels: Int) -> (heads: Int, headChannels: Int) {
        numHeadChannels != -1 ? (channels / numHeadChannels, numHeadChannels) : (numHeads, channels / numHeads)
    }

    /// Channels at every level where a SpatialTransformer sits (the attention levels and the bottom).
    var transformerChannels: [Int] {
        let levels = channelMultipliers.indices.filter { attentionResolutions.contains(1 << $0) }
        return (levels + [channelMultipliers.count - 1]).map { modelChannels * channelMultipliers[$0] }
    }
}
