import Diffusion
import Models
import NN
import TensorCore
import Text

/// The trained network of a latent diffusion model: the UNet and, for class-token conditioning, the
/// table of class tokens it attends to, or for text conditioning the text encoder trained with it.
/// Labels run over the dataset's classes plus one null class (the last index), which stands for "no
/// condition" in classifier-free guidance; for captions the empty caption does.
///
/// x [B, C, h, w], timesteps [B], conditions for B samples or nil → the UNet's prediction [B, C, h, w].
/// CompVis `LatentDiffusion.apply_model` with a `ClassEmbedder`-like or `BERTEmbedder` conditioning stage.
public final class ConditionalDenoiser: Module {
    public let conditioning: ConditioningConfig.Kind
    /// The dataset's classes (0 when unconditional); the null class is this index.
    public let classes: Int
    let unet: UNetModel
    let classContext: ClassContext?
    let textConditioner: TrainedTextConditioner?
    /// The frozen text encoder (`text.encoder: minilm`); not a sub-module, so not trained or saved.
    let frozenText: FrozenTextConditioner?

    /// - Parameters:
    ///   - tokenizer: required for text conditioning with the trained encoder.
    ///   - frozenTextEncoder: required for text conditioning with the frozen MiniLM.
    /// - Throws: `UNetArchitectureError`, or `LDMConfigError` when the architecture does not fit the
    ///   conditioning (e.g. `num_classes` other than classes + 1).
    public init(architecture: UNetArchitecture, conditioning: ConditioningConfig, classes: Int,
                tokenizer: BertTokenizer? = nil, frozenTextEncoder: MiniLMTextEncoder? = nil,
                generator: inout SeededGenerator) throws {
        let resolved = try Self.architecture(architecture, for: conditioning, classes: classes)
        self.conditioning = conditioning.kind
        self.classes = conditioning.usesClasses ? classes : 0
        unet = try UNetModel(resolved, generator: &generator)
        classContext = conditioning.kind == .classTokens
            ? ClassContext(classes: classes + 1, tokens: conditioning.classTokens, dimension: resolved.contextDimension!,
                           generator: &generator)
            : nil
        let isText = conditioning.kind == .text
        if isText && conditioning.text.encoder == .trained {
            guard let tokenizer else {
                throw LDMConfigError(key: "conditioning.kind", message: "is text, but no tokenizer was given")
            }
            textConditioner = TrainedTextConditioner(tokenizer: tokenizer, config: conditioning.text, generator: &generator)
        } else {
            textConditioner = nil
        }
        if isText && conditioning.text.encoder == .minilm {
            guard let frozenTextEncoder else {
                throw LDMConfigError(key: "conditioning.text.encoder", message: "is minilm, but no MiniLM encoder was given")
            }
            frozenText = FrozenTextConditioner(encoder: frozenTextEncoder, maxLength: conditioning.text.maxLength)
        } else {
            frozenText = nil
        }
        super.init()
    }

    public var architecture: UNetArchitecture { unet.architecture }

    /// The null class, which `labels` use for "unconditional".
    public var nullClass: Int { classes }

    /// The prediction for x_t; `conditions` exactly when the model is conditional.
    public func callAsFunction(_ x: Tensor, timesteps: [Int], conditions: Conditions?) -> Tensor {
        var unused = SeededGenerator(seed: 0)
        return self(x, timesteps: timesteps, conditions: conditions, dropoutGenerator: &unused)
    }

    /// The prediction in training mode, drawing the UNet's dropout masks from `dropoutGenerator`.
    public func callAsFunction(_ x: Tensor, timesteps: [Int], conditions: Conditions?,
                               dropoutGenerator: inout SeededGenerator) -> Tensor {
        switch (conditioning, conditions) {
        case (.none, nil):
            return unet(x, timesteps: timesteps, dropoutGenerator: &dropoutGenerator)
        case (.class, .labels(let labels)?):
            return unet(x, timesteps: timesteps, classLabels: labels, dropoutGenerator: &dropoutGenerator)
        case (.classTokens, .labels(let labels)?):
            return unet(x, timesteps: timesteps, context: classContext!(labels), dropoutGenerator: &dropoutGenerator)
        case (.text, .captions(let captions)?):
            let context = textConditioner.map { $0(captions) } ?? frozenText!(captions)
            return unet(x, timesteps: timesteps, context: context, dropoutGenerator: &dropoutGenerator)
        default:
            preconditionFailure("ConditionalDenoiser: conditions \(conditions.map { "\($0)" } ?? "nil") "
                                + "do not fit conditioning \(conditioning)")
        }
    }

    /// The null condition of classifier-free guidance for `count` samples: the null class, or the
    /// empty caption.
    public func nullConditions(count: Int) -> Conditions {
        conditioning == .text ? .captions(Array(repeating: "", count: count))
            : .labels(Array(repeating: nullClass, count: count))
    }

    /// The sampler's view of the model: unconditional, or conditioned on `conditions` (one per
    /// sample) with classifier-free guidance of `scale` (scale 1 skips the unconditional half).
    public func denoiser(conditions: Conditions?, guidance scale: Double) -> Denoiser {
        guard let conditions, conditioning != .none else { return { x, t in self(x, timesteps: t, conditions: nil) } }
        if scale == 1 { return { x, t in self(x, timesteps: t, conditions: conditions) } }
        let doubled = nullConditions(count: conditions.count).appending(conditions)
        return classifierFreeGuidance(scale: scale) { x, t in self(x, timesteps: t, conditions: doubled) }
    }

    /// `architecture` completed for the conditioning: `num_classes` = classes + 1 for `class`
    /// (set when null), and checks that the other settings fit.
    static func architecture(_ architecture: UNetArchitecture, for conditioning: ConditioningConfig,
                             classes: Int) throws -> UNetArchitecture {
        var resolved = architecture
        if conditioning.kind != .classTokens && conditioning.kind != .text, architecture.contextDimension != nil {
            throw LDMConfigError(key: "model.context_dim", message: "is set, but only class_tokens and text conditioning "
                                 + "give the UNet a context to attend to (set it to null)")
        }
        switch conditioning.kind {
        case .text:
            guard architecture.numClasses == nil else {
                throw LDMConfigError(key: "model.num_classes", message: "is set, but conditioning.kind is text")
            }
            let width = conditioning.text.encoder == .trained ? conditioning.text.nEmbed : FrozenTextConditioner.width
            guard architecture.contextDimension == width else {
                throw LDMConfigError(key: "model.context_dim", message: "is \(architecture.contextDimension.map(String.init) ?? "null"), "
                                     + "but the text encoder gives vectors of \(width) "
                                     + (conditioning.text.encoder == .trained ? "(conditioning.text.n_embed)" : "(all-MiniLM-L6-v2)"))
            }
        case .none:
            guard architecture.numClasses == nil else {
                throw LDMConfigError(key: "model.num_classes", message: "is set, but conditioning.kind is none")
            }
        case .class:
            guard classes > 0 else { throw LDMConfigError.noClasses }
            guard architecture.numClasses == nil || architecture.numClasses == classes + 1 else {
                throw LDMConfigError(key: "model.num_classes", message: "is \(architecture.numClasses!), expected "
                                     + "\(classes + 1): the dataset's \(classes) classes and the null class (or null)")
            }
            resolved.numClasses = classes + 1
        case .classTokens:
            guard classes > 0 else { throw LDMConfigError.noClasses }
            guard architecture.contextDimension != nil else {
                throw LDMConfigError(key: "model.context_dim", message: "is null, but class_tokens conditioning "
                                     + "needs the width of the class tokens the UNet attends to")
            }
            guard conditioning.classTokens > 0 else {
                throw LDMConfigError(key: "conditioning.class_tokens", message: "is \(conditioning.classTokens), "
                                     + "expected at least 1")
            }
        }
        guard (0...1).contains(conditioning.condDropProb) else {
            throw LDMConfigError(key: "conditioning.cond_drop_prob",
                                 message: "is \(conditioning.condDropProb), expected a probability in [0, 1]")
        }
        return resolved
    }
}

/// A setting of an LDM run that cannot work, naming its key.
public struct LDMConfigError: Error, Equatable, CustomStringConvertible {
    public let key: String
    public let message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "config key '\(key)' \(message)" }

    static let noClasses = LDMConfigError(
        key: "conditioning.kind", message: "asks for class conditioning, but the dataset has no classes")
}
