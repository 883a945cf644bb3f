import NN
import TensorCore

/// A trained or training first-stage autoencoder of either kind, as the trainers and the latent
/// cache use it: images in [−1, 1] → latents → images.
public enum FirstStage {
    case kl(AutoencoderKL)
    case vq(VQModel)

    /// The module, for parameters, checkpoints and train/eval mode.
    public var module: Module {
        switch self {
        case .kl(let model): model
        case .vq(let model): model
        }
    }

    public var architecture: AutoencoderArchitecture {
        switch self {
        case .kl(let model): model.architecture
        case .vq(let model): model.architecture
        }
    }

    /// The name stored in checkpoints, so that a checkpoint of one kind is not loaded as the other.
    public var kindName: String {
        switch self {
        case .kl: "autoencoder-kl"
        case .vq: "autoencoder-vq"
        }
    }

    /// Deterministic latents for the diffusion model: the posterior mean (KL) or the latents before
    /// quantisation (VQ, as CompVis trains LDMs on a VQ first stage). [N, embedDimension, H/f, W/f]
    public func encodeDeterministic(_ images: Tensor) -> Tensor {
        switch self {
        case .kl(let model): model.encode(images).mean
        case .vq(let model): model.encodeContinuous(images)
        }
    }

    /// Images from latents (quantised first for VQ).
    public func decode(_ latents: Tensor) -> Tensor {
        switch self {
        case .kl(let model): model.decode(latents)
        case .vq(let model): model.decode(latents, quantizing: true)
        }
    }

    /// The reconstruction of `images` through the deterministic latents, without gradients.
    public func reconstruct(_ images: Tensor) -> Tensor {
        withoutGradients { decode(encodeDeterministic(images)) }
    }

    /// The decoder's last conv weight (for the adaptive GAN weight).
    public var lastLayerWeight: Tensor {
        switch self {
        case .kl(let model): model.lastLayerWeight
        case .vq(let model): model.lastLayerWeight
        }
    }
}
