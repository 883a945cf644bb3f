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

/// The first-stage loss, as CompVis's LPIPSWithDiscriminator (KL) and taming's VQLPIPSWithDiscriminator
/// (VQ) with their parameter names: reconstruction, perceptual and patch-GAN terms. The defaults leave
/// out the perceptual and adversarial terms (both weights 0).
public struct AutoencoderLossConfig: Codable, Equatable {
    public enum Reconstruction: String, Codable { case l1, l2 }
    public var reconstruction = Reconstruction.l1
    /// KL only: weight of the KL term (CompVis 1e-6, with the reconstruction summed over pixels).
    public var klWeight: Float = 1e-6
    /// VQ only: weight of the codebook loss.
    public var codebookWeight: Float = 1.0
    /// Weight of the perceptual distance (EfficientNet-Lite0) added to each pixel's reconstruction
    /// error, as the references add LPIPS; 0 leaves the perceptual network out.
    public var perceptualWeight: Float = 0
    /// Weight of the adversarial term, before the adaptive scaling; 0 trains no discriminator.
    public var discWeight: Float = 0
    /// The adversarial terms' factor from `disc_start` on.
    public var discFactor: Float = 1
    /// The step from which the discriminator trains and the generator loss counts.
    public var discStart = 0
    public var discLoss = DiscriminatorLoss.hinge
    /// The discriminator's depth (`n_layers`) and base width (`ndf`).
    public var discNumLayers = 3
    public var discNdf = 64
    /// The discriminator's Adam betas (both references: 0.5, 0.9); its learning rate is the autoencoder's.
    public var discBetas: [Float] = [0.5, 0.9]

    public init() {}

    /// Whether a discriminator is trained at all.
    public var isAdversarial: Bool { discWeight > 0 && discFactor > 0 }

    /// Throws a `TrainingConfigError` naming the first setting that cannot work.
    public func validate() throws {
        let weights: [(String, Float)] = [("loss.kl_weight", klWeight), ("loss.codebook_weight", codebookWeight),
                                          ("loss.perceptual_weight", perceptualWeight), ("loss.disc_weight", discWeight),
                                          ("loss.disc_factor", discFactor)]
        for (key, value) in weights where !(value >= 0 && value.isFinite) {
            throw TrainingConfigError(key: key, message: "is \(value), expected a finite number ≥ 0")
        }
        for (key, value) in [("loss.disc_start", discStart)] where value < 0 {
            throw TrainingConfigError(key: key, message: "is \(value), expected at least 0")
        }
        for (key, value) in [("loss.disc_num_layers", discNumLayers), ("loss.disc_ndf", discNdf)] where value < 1 {
            throw TrainingConfigError(key: key, message: "is \(value), expected at least 1")
        }
        guard discBetas.count == 2, discBetas.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
            throw TrainingConfigError(key: "loss.disc_betas", message: "is \(discBetas), expected two numbers in [0, 1)")
        }
    }
}
