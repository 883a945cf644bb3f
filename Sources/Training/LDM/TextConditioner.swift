import Models
import NN
import TensorCore
import Text

/// The text encoder trained with the UNet (the paper's τθ): captions tokenised by BERT's uncased
/// WordPiece, cut or padded to `maxLength` tokens, then `TextTransformer`'s token vectors, the
/// cross-attention context [B, maxLength, width]. The empty caption is the null condition of
/// classifier-free guidance ([CLS] [SEP] and padding), as CompVis's `get_learned_conditioning([""])`.
public final class TrainedTextConditioner: Module {
    let tokenizer: BertTokenizer
    let encoder: TextTransformer

    public init(tokenizer: BertTokenizer, config: TextConditioningConfig, generator: inout SeededGenerator) {
        var architecture = TextTransformerArchitecture()
        architecture.vocabularySize = tokenizer.vocabulary.tokens.count
        architecture.maxLength = config.maxLength
        (architecture.width, architecture.depth) = (config.nEmbed, config.nLayer)
        (architecture.heads, architecture.headChannels) = (config.heads, config.dimHead)
        self.tokenizer = tokenizer
        encoder = TextTransformer(architecture, generator: &generator)
        super.init()
    }

    /// The context [captions.count, maxLength, width].
    public func callAsFunction(_ captions: [String]) -> Tensor {
        let batch = tokenizer.batch(captions, maxLength: encoder.architecture.maxLength)
        return encoder((0..<batch.count).map { Array(batch.row($0)) })
    }
}
