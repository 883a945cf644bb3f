/// The names CompVis/latent-diffusion gives to our modules' properties where Swift naming differs,
/// so that parameter keys convert both ways (to load their checkpoints or compare with their models).
///
/// Each entry pairs a fragment of a Swift key with a fragment of a CompVis key, each one or more
/// dotted components: `inNorm` ↔ `in_layers.0` stands for a member of a PyTorch `nn.Sequential`,
/// which Swift names rather than numbers. A key is converted left to right, replacing at each
/// component the longest fragment that matches whole components; other components stay the same.
public enum CompVisKeys {
    /// Swift fragment ↔ CompVis fragment.
    public static let table: [(swift: String, compVis: String)] = autoencoderTable + unetTable

    /// The autoencoders (ldm/modules/diffusionmodules/model.py, ldm/models/autoencoder.py).
    static let autoencoderTable: [(swift: String, compVis: String)] = [
        ("convIn", "conv_in"), ("convOut", "conv_out"), ("normOut", "norm_out"),
        ("ninShortcut", "nin_shortcut"), ("projOut", "proj_out"),
        ("quantConv", "quant_conv"), ("postQuantConv", "post_quant_conv"),
        ("mid.block1", "mid.block_1"), ("mid.block2", "mid.block_2"), ("mid.attn1", "mid.attn_1"),
    ]

    /// The diffusion UNet (ldm/modules/diffusionmodules/openaimodel.py, ldm/modules/attention.py).
    static let unetTable: [(swift: String, compVis: String)] = [
        ("timeEmbed.linear1", "time_embed.0"), ("timeEmbed.linear2", "time_embed.2"), ("labelEmb", "label_emb"),
        ("inputBlocks", "input_blocks"), ("middleBlock", "middle_block"), ("outputBlocks", "output_blocks"),
        ("finalNorm", "out.0"), ("finalConv", "out.2"),
        ("inNorm", "in_layers.0"), ("inConv", "in_layers.2"), ("embProjection", "emb_layers.1"),
        ("outNorm", "out_layers.0"), ("outConv", "out_layers.3"), ("skipConnection", "skip_connection"),
        ("projIn", "proj_in"), ("transformerBlocks", "transformer_blocks"),
        ("toQ", "to_q"), ("toK", "to_k"), ("toV", "to_v"), ("toOut", "to_out.0"),
        ("projectIn", "net.0"), ("projectOut", "net.2"),
    ]

    private static let toCompVis = fragmentMap(table.map { ($0.swift, $0.compVis) })
    private static let toSwift = fragmentMap(table.map { ($0.compVis, $0.swift) })

    /// `decoder.mid.block1.ninShortcut.weight` → `decoder.mid.block_1.nin_shortcut.weight`.
    public static func compVisKey(_ swiftKey: String) -> String { translate(swiftKey, toCompVis) }

    /// The inverse of `compVisKey`: `input_blocks.1.0.in_layers.2.bias` → `inputBlocks.1.0.inConv.bias`.
    public static func swiftKey(_ compVisKey: String) -> String { translate(compVisKey, toSwift) }

    /// Source fragments as component lists, longest first, with their replacements.
    private static func fragmentMap(_ pairs: [(String, String)]) -> [(from: [Substring], to: String)] {
        pairs.map { (from: $0.0.split(separator: "."), to: $0.1) }.sorted { $0.from.count > $1.from.count }
    }

    private static func translate(_ key: String, _ fragments: [(from: [Substring], to: String)]) -> String {
        let components = key.split(separator: ".")
        var translated: [String] = []
        var index = 0
        while index < components.count {
            let rest = components[index...]
            if let match = fragments.first(where: { rest.starts(with: $0.from) }) {
                translated.append(match.to)
                index += match.from.count
            } else {
                translated.append(String(components[index]))
                index += 1
            }
        }
        return translated.joined(separator: ".")
    }
}
