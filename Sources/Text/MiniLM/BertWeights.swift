import Foundation
import NN
import TensorCore
import WeightIO

/// The names Hugging Face's `BertModel` gives our encoder's parameters, and loading them from its
/// `model.safetensors`.
///
/// `embeddings.wordEmbeddings.weight` ↔ `embeddings.word_embeddings.weight`,
/// `layers.3.attentionNorm.bias` ↔ `encoder.layer.3.attention.output.LayerNorm.bias`; the tensor
/// names (weight, bias) are the same on both sides. The file's pooler and `position_ids` are not used.
public enum BertWeights {
    /// Inside `embeddings.`: Swift property → Hugging Face attribute.
    static let embeddingNames = [
        "wordEmbeddings": "word_embeddings", "positionEmbeddings": "position_embeddings",
        "tokenTypeEmbeddings": "token_type_embeddings", "norm": "LayerNorm",
    ]
    /// Inside `layers.N.`: Swift property → Hugging Face module path.
    static let layerNames = [
        "query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
        "attentionOutput": "attention.output.dense", "attentionNorm": "attention.output.LayerNorm",
        "intermediate": "intermediate.dense", "output": "output.dense", "outputNorm": "output.LayerNorm",
    ]

    /// The weights file's key for one of our parameter keys.
    public static func fileKey(_ swiftKey: String) -> String {
        var components = swiftKey.split(separator: ".").map(String.init)
        switch components.first {
        case "embeddings" where components.count == 3:
            components[1] = embeddingNames[components[1]] ?? components[1]
        case "layers" where components.count == 4:
            components[0] = "encoder.layer"
            components[2] = layerNames[components[2]] ?? components[2]
        default: break
        }
        return components.joined(separator: ".")
    }
}

extension BertEncoder {
    /// The encoder of `configuration` with the weights of a Hugging Face BERT `model.safetensors`,
    /// frozen (no gradients) and in evaluation mode.
    /// - Throws: `SafeTensorsError` for an unreadable or damaged file; `TextEncoderError` naming a
    ///   tensor the file lacks, or one whose shape differs from the configuration's (with both shapes).
    public convenience init(configuration: BertConfiguration, weightsFile url: URL) throws {
        if let problem = configuration.unsupportedSetting {
            throw TextEncoderError(path: url.path, problem: problem)
        }
        let file = try SafeTensors.read(contentsOf: url)
        var generator = SeededGenerator(seed: 0)
        self.init(configuration: configuration, generator: &generator)
        var stateDict: [String: Tensor] = [:]
        for (key, parameter) in namedParameters() {
            let fileKey = BertWeights.fileKey(key)
            guard let tensor = file.tensors[fileKey] else {
                throw TextEncoderError(path: url.path, problem: .missingTensor(fileKey))
            }
            let expected = parameter.wrappedValue.shape
            guard tensor.shape == expected else {
                throw TextEncoderError(path: url.path, problem: .misshapenTensor(fileKey, shape: tensor.shape,
                                                                                   expected: expected))
            }
            stateDict[key] = tensor
        }
        try load(stateDict: stateDict)
        freeze()
    }
}
