/// The shape of a first-stage autoencoder, with CompVis's `ddconfig` names and meanings.
///
/// The downsampling factor is f = 2^(len(channelMultipliers) − 1); latents are
/// [embedDimension, resolution/f, resolution/f]. `attentionResolutions` lists the feature-map sizes
/// (in pixels, relative to `resolution`) at which attention blocks are added; the mid block always
/// has one.
public struct AutoencoderArchitecture: Codable, Equatable, Sendable {
    /// Base channel count (`ch`).
    public var channels = 32
    /// Channel multiplier per resolution level (`ch_mult`).
    public var channelMultipliers = [1, 2, 2]
    /// Residual blocks per level in the encoder (the decoder has one more) (`num_res_blocks`).
    public var residualBlocks = 1
    /// Resolutions with attention blocks (`attn_resolutions`).
    public var attentionResolutions: [Int] = []
    /// Image channels in and out (`in_channels`, `out_ch`).
    public var inChannels = 1
    public var outChannels = 1
    /// The training image size (`resolution`); only used to place attention blocks.
    public var resolution = 32
    /// Channels of the encoder's output and the decoder's input (`z_channels`).
    public var zChannels = 4
    /// Channels of the latent the diffusion model sees (`embed_dim`).
    public var embedDimension = 4

    public init() {}

    /// CompVis's `ddconfig` names, so their YAML files read naturally.
    enum CodingKeys: String, CodingKey {
        case channels = "ch", channelMultipliers = "ch_mult", residualBlocks = "num_res_blocks"
        case attentionResolutions = "attn_resolutions", inChannels = "in_channels", outChannels = "out_ch"
        case resolution, zChannels = "z_channels", embedDimension = "embed_dim"
    }

    /// The spatial downsampling factor f.
    public var downsamplingFactor: Int { 1 << (channelMultipliers.count - 1) }

    /// The latent shape [C, H, W] for an image of `height`×`width`.
    public func latentShape(height: Int, width: Int) -> [Int] {
        [embedDimension, height / downsamplingFactor, width / downsamplingFactor]
    }
}
