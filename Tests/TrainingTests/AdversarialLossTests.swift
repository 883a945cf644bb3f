import Foundation
import Models
import NN
import TensorCore
import Training
import XCTest

/// The patch-GAN terms of the first-stage loss against closed forms, and the two-pass generator step
/// against the total loss differentiated directly, the way the references compute it.
final class AdversarialLossTests: XCTestCase {
    func testHingeAndVanillaLossesMatchTheirClosedForms() {
        let real = Tensor(shape: [2, 1, 1, 2], scalars: [2, 0.5, -1, 0])
        let fake = Tensor(shape: [2, 1, 1, 2], scalars: [-2, 0.25, 1, -0.5])
        // relu(1 − real) = [0, 0.5, 2, 1] (mean 0.875); relu(1 + fake) = [0, 1.25, 2, 0.5] (mean 0.9375).
        XCTAssertEqual(DiscriminatorLoss.hinge(real: real, fake: fake).scalar, 0.5 * (0.875 + 0.9375), accuracy: 1e-6)
        let softplus = { (x: Double) in log(1 + exp(x)) }
        let expected = 0.5 * ([2, 0.5, -1, 0].map { softplus(-$0) }.reduce(0, +) / 4
            + [-2, 0.25, 1, -0.5].map(softplus).reduce(0, +) / 4)
        XCTAssertEqual(Double(DiscriminatorLoss.vanilla(real: real, fake: fake).scalar), expected, accuracy: 1e-6)
        XCTAssertEqual(generatorLoss(fakeLogits: fake).scalar, -(-2 + 0.25 + 1 - 0.5) / 4, accuracy: 1e-6)
    }

    func testDiscriminatorFactorStartsAtDiscStart() {
        XCTAssertEqual(discriminatorFactor(step: 9, start: 10, factor: 0.7), 0)
        XCTAssertEqual(discriminatorFactor(step: 10, start: 10, factor: 0.7), 0.7)
    }

    /// A last layer x̂ = w·h with fixed h, nll = Σ|x − x̂| and a linear discriminator D(x̂) = a ⊙ x̂ have
    /// ∂nll/∂w = −Σ sign(x − w h) h and ∂g/∂w = −mean(a ⊙ h), so d_weight is known in closed form.
    func testAdaptiveWeightOnATinyModelMatchesItsClosedForm() {
        let h: [Float] = [1, -2, 0.5, 3], x: [Float] = [2, 1, -1, 0.5], a: [Float] = [0.5, 0.25, -1, 0.1]
        let w = Tensor(shape: [1], scalars: [0.8]).asLeaf(named: "w")
        let reconstruction = w * Tensor(shape: [4], scalars: h)
        let nll = (Tensor(shape: [4], scalars: x) - reconstruction).abs().sum()
        let g = -(Tensor(shape: [4], scalars: a) * reconstruction).mean()
        let nllGradient = gradients(of: nll, wrt: [w], retainingGraph: true)[0], gGradient = gradients(of: g, wrt: [w])[0]
        let weight = adaptiveGeneratorWeight(reconstructionGradient: nllGradient, generatorGradient: gGradient,
                                             discriminatorWeight: 0.5)

        let closedNll = -zip(x, h).map { x, h in Double((x - 0.8 * h).sign == .minus ? -1 : 1) * Double(h) }.reduce(0, +)
        let closedG = -zip(a, h).map { Double($0 * $1) }.reduce(0, +) / 4
        XCTAssertEqual(Double(weight), abs(closedNll) / (abs(closedG) + 1e-4) * 0.5, accuracy: 1e-4)
        // A generator gradient of 0 clamps the ratio at 10⁴.
        XCTAssertEqual(adaptiveGeneratorWeight(reconstructionGradient: Tensor(shape: [2], scalars: [3, 4]),
                                               generatorGradient: Tensor.zeros([2]), discriminatorWeight: 2), 2e4)
    }

    func testPatchDiscriminatorShapeAndInitialisation() {
        var generator = SeededGenerator(seed: 3)
        let discriminator = PatchDiscriminator(inChannels: 3, width: 16, depth: 3, generator: &generator)
        let logits = discriminator(Tensor.randomNormal([2, 3, 64, 64], using: &generator))
        XCTAssertEqual(logits.shape, [2, 1, 6, 6])
        let parameters = Dictionary(uniqueKeysWithValues: discriminator.namedParameters().map {
            ($0.key, $0.parameter.wrappedValue)
        })
        // Widths 16, 32, 64, 128 (min(2ⁱ, 8) × 16); the normalised convolutions have no bias.
        XCTAssertEqual(parameters["layers.3.conv.weight"]?.shape, [128, 64, 4, 4])
        XCTAssertNil(parameters["layers.1.conv.bias"])
        XCTAssertEqual(parameters["layers.0.conv.bias"]?.shape, [16])
        let weights = parameters["layers.3.conv.weight"]!.scalars.map(Double.init)
        let std = (weights.map { $0 * $0 }.reduce(0, +) / Double(weights.count)).squareRoot()
        XCTAssertEqual(std, 0.02, accuracy: 0.001)
        let scales = parameters["layers.3.norm.weight"]!.scalars.map(Double.init)
        XCTAssertEqual(scales.reduce(0, +) / Double(scales.count), 1, accuracy: 0.01)
    }

    /// The step's two passes (cotangents at the reconstruction, then one backward of a surrogate) give
    /// the gradient of nll + kl_weight·KL + d_weight·disc_factor·g_loss differentiated directly, and
    /// the same d_weight as the reference's gradients at the last layer.
    func testTwoPassGeneratorStepMatchesTheDirectGradient() throws {
        var config = tinyAutoencoderConfig().model
        config.architecture.inChannels = 3
        config.architecture.outChannels = 3
        var generator = SeededGenerator(seed: 11)
        let firstStage = FirstStage.build(config, generator: &generator)
        let discriminator = PatchDiscriminator(inChannels: 3, width: 8, depth: 2, generator: &generator)
        let images = Tensor.randomUniform([2, 3, 16, 16], low: -1, high: 1, using: &generator)
        var loss = AutoencoderLossConfig()
        loss.perceptualWeight = 0.3
        loss.discWeight = 0.5
        let pooledDistance = pooledImageDistance
        let parameters = firstStage.module.namedParameters().map(\.parameter.wrappedValue)
        var noise = SeededGenerator(seed: 5)
        var direct = noise
        let step = GeneratorStep(firstStage: firstStage, images: images, parameters: parameters, loss: loss,
                                 perceptual: pooledDistance,
                                 adversary: .init(discriminator: discriminator, factor: 0.8, discWeight: loss.discWeight),
                                 shards: 1, noise: &noise)

        // The reference: CompVis's LPIPSWithDiscriminator on the same posterior sample.
        guard case .kl(let model) = firstStage else { return XCTFail("expected a KL first stage") }
        var shardNoise = direct.split()
        let (reconstruction, posterior) = model(images, samplePosterior: true, generator: &shardNoise)
        let pixels = Float(3 * 16 * 16)
        let nll = (images - reconstruction).abs().sum() / 2 + 0.3 * pixels * pooledDistance(images, reconstruction).mean()
        let kl = posterior.klDivergence().sum() / 2
        let g = -discriminator(reconstruction).mean()
        let last = firstStage.lastLayerWeight
        let nllGradient = gradients(of: nll, wrt: [last], retainingGraph: true)[0]
        let gGradient = gradients(of: g, wrt: [last], retainingGraph: true)[0]
        let dWeight = adaptiveGeneratorWeight(reconstructionGradient: nllGradient, generatorGradient: gGradient,
                                              discriminatorWeight: 0.5)
        let total = nll + loss.klWeight * kl + dWeight * 0.8 * g
        let expected = gradients(of: total, wrt: parameters)

        XCTAssertEqual(step.metrics["d_weight"]!, dWeight, accuracy: 1e-4 * dWeight)
        XCTAssertEqual(step.metrics["loss"]!, total.scalar, accuracy: 1e-4 * abs(total.scalar))
        XCTAssertEqual(step.metrics["g_loss"]!, g.scalar, accuracy: 1e-5)
        // Relative to the largest gradient of all: biases before a group norm have gradients that are 0 up
        // to rounding, which differs between the two orders of summation.
        let scale = expected.map { $0.scalars.map(abs).max() ?? 0 }.max() ?? 0
        XCTAssertGreaterThan(scale, 0)
        for (index, (got, want)) in zip(step.gradients, expected).enumerated() {
            for (a, b) in zip(got.scalars, want.scalars) {
                XCTAssertEqual(a, b, accuracy: 1e-4 * scale, "parameter \(index)")
            }
        }
    }
}
