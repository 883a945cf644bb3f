import Foundation
import TensorCore
import Text

/// The frozen pretrained text encoder as the conditioning, as Stable Diffusion uses a frozen CLIP
/// text encoder: all-MiniLM-L6-v2's per-token states [B, maxLength, 384] of each caption (0 at the
/// padding positions) are the cross-attention context. The empty caption ([CLS] [SEP]) is the null
/// condition of guidance.
///
/// Being frozen, a caption's states never change, so each distinct caption is encoded once, on its
/// own (so its states do not depend on which captions share its batch), and kept in memory: a
/// dataset of 3,300 emoji names holds about 160 MB. The encoder is not a sub-module: its weights are
/// neither trained nor written to checkpoints.
public final class FrozenTextConditioner: @unchecked Sendable {
    /// The width of all-MiniLM-L6-v2's states, the UNet's `context_dim`.
    public static let width = 384
    let encoder: MiniLMTextEncoder
    let maxLength: Int
    private var states: [String: Tensor] = [:]
    private let lock = NSLock()

    public init(encoder: MiniLMTextEncoder, maxLength: Int) {
        self.encoder = encoder
        self.maxLength = maxLength
    }

    /// The context [captions.count, maxLength, 384], without gradients.
    public func callAsFunction(_ captions: [String]) -> Tensor {
        let rows = captions.map { caption in
            lock.withLock {
                if let known = states[caption] { return known }
                let encoded = withoutGradients { encoder.encode([caption], length: maxLength).states }
                states[caption] = encoded
                return encoded
            }
        }
        return Tensor.concatenate(rows, axis: 0)
    }
}
