import Configuration
import Diffusion
import Models
import Text
import WeightIO

/// Everything `train-ldm` reads from its YAML files. Keys follow CompVis where they exist
/// (`unet_config.params` → `model`, `beta_schedule`, `linear_start`, `parameterization`, …); the
/// defaults are those a CompVis or diffusers user expects (AdamW with weight decay 0.01, EMA 0.9999
/// with warm-up, DDIM 50 steps with η 0, 10% conditioning dropout).
public struct LDMRunConfig: Configuration, Equatable {
    /// The denoising UNet. `num_classes` may stay null for class conditioning: the trainer sets it to
    /// the dataset's classes + 1 (the last is the null class of classifier-free guidance).
    public var model = UNetArchitecture()
    public var diffusion = LDMDiffusionConfig()
    public var firstStage = FirstStageConfig()
    public var cache = LatentCacheConfig()
    public var conditioning = ConditioningConfig()
    public var data = DataConfig()
    public var train = TrainingConfig.latentDiffusionDefaults
    public var sampling = LDMSamplingConfig()
    public var evaluation = LDMEvaluationConfig()
    /// The classifier that judges class-conditional samples (trained on first use).
    public var judge = ImageJudgeConfig()

    public init() {}

    /// Whether the model works on a first stage's latents (false: on the pixels themselves).
    public var isLatent: Bool { firstStage.checkpoint != nil }
}

/// The forward process and the training objective (CompVis `LatentDiffusion` params).
public struct LDMDiffusionConfig: Codable, Equatable {
    public var betaSchedule = NoiseScheduleConfig.Kind.linear
    public var timesteps = 1000
    public var linearStart = 0.00085
    public var linearEnd = 0.012
    /// What the UNet predicts: `eps`, `x0` or `v`.
    public var parameterization = Parameterization.eps
    /// The per-element distance: `l2` (CompVis's default) or `l1`.
    public var lossType = DiffusionLoss.Distance.l2
    /// Min-SNR-γ loss weighting when set (Hang et al. 2023 use 5).
    public var minSNRGamma: Double? = nil

    public init() {}

    /// The noise schedule these settings describe.
    public func makeSchedule() throws -> NoiseSchedule {
        try NoiseSchedule(NoiseScheduleConfig(kind: betaSchedule, timesteps: timesteps, linearStart: linearStart,
                                              linearEnd: linearEnd))
    }

    /// The training loss these settings describe, checked.
    public func makeLoss() throws -> DiffusionLoss {
        let loss = DiffusionLoss(parameterization: parameterization, lossType: lossType, minSNRGamma: minSNRGamma)
        try loss.validate()
        return loss
    }
}

/// The frozen first stage whose latents the model learns.
public struct FirstStageConfig: Codable, Equatable {
    /// A `train-ae` run folder or checkpoint file; null trains in pixel space (the paper's LDM-1
    /// baseline: the "latents" are the images, with scale factor 1).
    public var checkpoint: String? = nil

    public init() {}
}

/// Where the dataset's latents are cached, and which latents training sees.
public struct LatentCacheConfig: Codable, Equatable {
    /// The HDF5 file; empty means `datasets/cache/<data source>-<first 12 hex digits of the first
    /// stage's weights hash>.h5`, so another first stage gets another file.
    public var path = ""
    /// Train on the KL posterior mean instead of a fresh posterior sample each time (CompVis samples).
    public var useMean = false
    /// Images encoded per batch while building the cache.
    public var batchSize = 100

    public init() {}
}

/// How the model is conditioned.
public struct ConditioningConfig: Codable, Equatable {
    public enum Kind: String, Codable {
        /// Unconditional.
        case none
        /// A class embedding added to the time embedding (CompVis `num_classes`).
        case `class`
        /// Class tokens as the cross-attention context (a learned table of `class_tokens` vectors
        /// of `model.context_dim` per class).
        case classTokens = "class_tokens"
        /// Captions, through a text encoder whose token vectors are the cross-attention context (`text`).
        case text
    }

    public var kind = Kind.none
    /// The probability of replacing a label by the null class in training, so that one model learns
    /// both the conditional and the unconditional prediction (classifier-free guidance).
    public var condDropProb: Float = 0.1
    /// `class_tokens` only: context tokens per class.
    public var classTokens = 1
    /// `text` only: the text encoder.
    public var text = TextConditioningConfig()

    public init() {}

    /// BERT's uncased WordPiece tokenizer for the trained text encoder, from all-MiniLM-L6-v2's
    /// `vocab.txt` in the weights cache (the same 30,522 entries as bert-base-uncased); nil otherwise.
    public func makeTokenizer() throws -> BertTokenizer? {
        guard kind == .text && text.encoder == .trained else { return nil }
        return try BertTokenizer(vocabularyFile: try PretrainedWeights.miniLM().appendingPathComponent("vocab.txt"))
    }

    /// The frozen all-MiniLM-L6-v2 from the weights cache for `text.encoder: minilm`; nil otherwise.
    public func makeFrozenTextEncoder() throws -> MiniLMTextEncoder? {
        guard kind == .text && text.encoder == .minilm else { return nil }
        return try MiniLMTextEncoder.fromWeightsCache()
    }

    /// Whether the model takes class labels.
    public var usesClasses: Bool { kind == .class || kind == .classTokens }
}

/// The text encoder of `conditioning.kind: text` (CompVis `cond_stage_config`).
public struct TextConditioningConfig: Codable, Equatable {
    public enum Encoder: String, Codable {
        /// A transformer trained from scratch with the UNet, as the paper's text-to-image model
        /// (CompVis `BERTEmbedder`): its parameters are in the UNet's optimizer and checkpoint.
        case trained
        /// The frozen pretrained all-MiniLM-L6-v2 (its 384-wide token states; `model.context_dim: 384`).
        case minilm
    }
    public var encoder = Encoder.trained
    /// Captions are cut or padded to this many tokens, [CLS] and [SEP] included.
    public var maxLength = 32
    /// `trained` only: width (`n_embed`, which must equal `model.context_dim`), depth (`n_layer`),
    /// attention heads and channels per head.
    public var nEmbed = 256
    public var nLayer = 4
    public var heads = 8
    public var dimHead = 32

    public init() {}
}

/// How samples are drawn: by the `sample` command, the training previews and the evaluation.
public struct LDMSamplingConfig: Codable, Equatable {
    /// `ddim` (η 0 by default) or `ddpm`, and the steps.
    public var sampler = SamplerConfig()
    /// Classifier-free guidance scale s: ε = ε_u + s·(ε_c − ε_u); 1 is the plain conditional model.
    public var guidance = 3.0
    /// DDIM steps of the sample grids written during training.
    public var previewSteps = 10
    /// Samples per class (or in all, unconditionally) in the training previews.
    public var previewPerClass = 4
    /// Samples per UNet call.
    public var batchSize = 64

    public init() {}
}

/// Held-out evaluation: the diffusion loss at fixed timesteps and noise.
public struct LDMEvaluationConfig: Codable, Equatable {
    /// Held-out images to measure (0: all).
    public var maxImages = 1000
    /// Timesteps evenly spread over 0..<T at which every image is noised.
    public var timesteps = 10
    /// Seeds the evaluation's noise, so every evaluation sees the same.
    public var seed: UInt64 = 1234
    public var batchSize = 100
    /// Samples drawn per class and judged by the image judge (class-conditional models; 0: none).
    public var samplesPerClass = 100
    /// Held-out captions (the first ones, in order) drawn once each and judged against their images'
    /// classes (text-conditional models on a labelled set; 0: none).
    public var captionSamples = 1000

    public init() {}
}

extension TrainingConfig {
    /// The optimisation defaults of CompVis's LDMs: AdamW (β 0.9, 0.999, weight decay 0.01), EMA
    /// 0.9999 with warm-up, learning rate 1e-4.
    public static var latentDiffusionDefaults: TrainingConfig {
        var config = TrainingConfig()
        config.learningRate = 1e-4
        config.betas = [0.9, 0.999]
        config.weightDecay = 0.01
        config.ema = true
        config.emaDecay = 0.9999
        return config
    }
}
