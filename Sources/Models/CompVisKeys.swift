/// The names CompVis/latent-diffusion gives to our modules' properties where Swift naming differs,
/// so that parameter keys convert both ways (to load their checkpoints or compare with their models).
/// Keys are converted one dotted component at a time; components not in the table are the same.
public enum CompVisKeys {
    /// Swift property name ↔ CompVis attribute name.
    public static let table: [(swift: String, compVis: String)] = [
        ("convIn", "conv_in"), ("convOut", "conv_out"), ("normOut", "norm_out"),
        ("ninShortcut", "nin_shortcut"), ("projOut", "proj_out"),
        ("quantConv", "quant_conv"), ("postQuantConv", "post_quant_conv"),
        ("block1", "block_1"), ("block2", "block_2"), ("attn1", "attn_1"),
    ]

    private static let toCompVis = Dictionary(uniqueKeysWithValues: table.map { ($0.swift, $0.compVis) })
    private static let toSwift = Dictionary(uniqueKeysWithValues: table.map { ($0.compVis, $0.swift) })

    /// `decoder.mid.block1.ninShortcut.weight` → `decoder.mid.block_1.nin_shortcut.weight`.
    public static func compVisKey(_ swiftKey: String) -> String {
        swiftKey.split(separator: ".").map { toCompVis[String($0)] ?? String($0) }.joined(separator: ".")
    }

    /// The inverse of `compVisKey`.
    public static func swiftKey(_ compVisKey: String) -> String {
        compVisKey.split(separator: ".").map { toSwift[String($0)] ?? String($0) }.joined(separator: ".")
    }
}
