import Models
import Optimizers
import TensorCore

/// The adversarial terms of the first-stage loss, as taming-transformers and CompVis write them
/// (taming/modules/losses/vqperceptual.py, ldm/modules/losses/contperceptual.py).
public enum DiscriminatorLoss: String, Codable {
    /// ½ (mean relu(1 − real) + mean relu(1 + fake)).
    case hinge
    /// ½ (mean softplus(−real) + mean softplus(fake)): the non-saturating GAN loss on logits.
    case vanilla

    /// The discriminator's loss on patch logits of real images and of reconstructions.
    public func callAsFunction(real: Tensor, fake: Tensor) -> Tensor {
        switch self {
        case .hinge: 0.5 * ((1 - real).relu().mean() + (1 + fake).relu().mean())
        case .vanilla: 0.5 * ((-real).softplus().mean() + fake.softplus().mean())
        }
    }
}

/// The generator's adversarial loss: minus the mean patch logit of the reconstructions (both references
/// use it with either discriminator loss).
public func generatorLoss(fakeLogits: Tensor) -> Tensor { -fakeLogits.mean() }

/// The adaptive weight of the generator loss: clamp(‖∇L_rec‖ / (‖∇L_G‖ + 1e-4), 0, 1e4) · disc_weight,
/// both gradients taken at the decoder's last weight. It scales the adversarial gradient to the size of
/// the reconstruction gradient where they meet (Esser et al., "Taming Transformers", eq. 7).
public func adaptiveGeneratorWeight(reconstructionGradient: Tensor, generatorGradient: Tensor,
                                    discriminatorWeight: Float) -> Float {
    let ratio = sumOfSquares(reconstructionGradient).squareRoot() / (sumOfSquares(generatorGradient).squareRoot() + 1e-4)
    return Float(min(max(ratio, 0), 1e4)) * discriminatorWeight
}

/// The adversarial terms' factor at a step: `disc_factor` from step `disc_start` on, 0 before
/// (the references' `adopt_weight`).
public func discriminatorFactor(step: Int, start: Int, factor: Float) -> Float { step < start ? 0 : factor }

extension PatchDiscriminator {
    /// Throws unless images of `side` pixels leave the discriminator of `depth` at least one patch:
    /// side / 2^depth − 2 ≥ 1.
    static func checkImageSize(_ side: Int, depth: Int) throws {
        let smallest = 3 << depth
        guard side >= smallest else {
            throw TrainingConfigError(key: "loss.disc_num_layers",
                                      message: "is \(depth), too deep for \(side)-pixel images (data.image_size): "
                                          + "the discriminator needs at least \(smallest) pixels; use fewer layers")
        }
    }
}
