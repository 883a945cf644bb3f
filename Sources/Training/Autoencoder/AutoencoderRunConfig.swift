import Configuration
import Models

/// Everything `train-ae` reads from its YAML files, with the defaults of the Fashion-MNIST KL-f4
/// demo. Key names follow CompVis where they exist (`ddconfig` → `model.architecture`).
public struct AutoencoderRunConfig: Configuration, Equatable {
    public var model = AutoencoderModelConfig()
    public var loss = AutoencoderLossConfig()
    public var data = DataConfig()
    public var train = TrainingConfig()
    public var evaluation = EvaluationConfig()

    public init() {}
}

/// Which first stage, and its shape.
public struct AutoencoderModelConfig: Codable, Equatable {
    public enum Kind: String, Codable { case kl, vq }
    /// `kl`: Gaussian posterior with a KL penalty; `vq`: vector-quantised codebook.
    public var kind = Kind.kl
    public var architecture = AutoencoderArchitecture()
    /// VQ only: the number of codebook entries (`n_embed`).
    public var codebookSize = 512
    /// VQ only: the commitment weight β.
    public var beta: Float = 0.25
    /// VQ only: the reference's default loss, which puts β on the codebook term (see VectorQuantizer).
    public var legacy = true
}

/// The first-stage loss (CompVis LPIPSWithDiscriminator / VQLPIPSWithDiscriminator without the
/// perceptual and adversarial terms, which a later change adds here).
public struct AutoencoderLossConfig: Codable, Equatable {
    public enum Reconstruction: String, Codable { case l1, l2 }
    public var reconstruction = Reconstruction.l1
    /// KL only: weight of the KL term (CompVis 1e-6, with the reconstruction summed over pixels).
    public var klWeight: Float = 1e-6
    /// VQ only: weight of the codebook loss.
    public var codebookWeight: Float = 1.0
}
