import Configuration
import Diffusion
import Foundation
import Training
import XCTest

final class LDMConfigTests: XCTestCase {
    private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private func load(_ name: String, overrides: [String] = []) throws -> LDMRunConfig {
        try ConfigLoader.load(LDMRunConfig.self, files: [repository.appendingPathComponent("configs/ldm/\(name)")],
                              overrides: overrides).config
    }

    func testDefaultsAreWhatCompVisAndDiffusersUsersExpect() {
        let config = LDMRunConfig()
        XCTAssertEqual(config.train.weightDecay, 0.01)
        XCTAssertEqual(config.train.betas, [0.9, 0.999])
        XCTAssertTrue(config.train.ema)
        XCTAssertEqual(config.train.emaDecay, 0.9999)
        XCTAssertEqual(config.diffusion.timesteps, 1000)
        XCTAssertEqual(config.diffusion.betaSchedule, .linear)
        XCTAssertEqual(config.diffusion.parameterization, .eps)
        XCTAssertEqual(config.sampling.sampler, SamplerConfig(kind: .ddim, steps: 50, eta: 0))
        XCTAssertEqual(config.conditioning.condDropProb, 0.1)
        XCTAssertFalse(config.isLatent)
    }

    func testTheShippedConfigsParse() throws {
        let latent = try load("fashion-class-f4.yaml")
        XCTAssertEqual(latent.firstStage.checkpoint, "checkpoints/fashion-kl-f4")
        XCTAssertEqual(latent.conditioning.kind, .class)
        XCTAssertEqual(latent.model.inChannels, 4)
        XCTAssertTrue(latent.isLatent)
        let pixel = try load("fashion-class-pixel.yaml", overrides: ["diffusion.min_snr_gamma=5"])
        XCTAssertNil(pixel.firstStage.checkpoint)
        XCTAssertEqual(pixel.model.inChannels, 1)
        XCTAssertEqual(pixel.diffusion.minSNRGamma, 5)
        XCTAssertEqual(try pixel.diffusion.makeSchedule().betas.first!, 0.0001, accuracy: 1e-12)
    }

    func testAnUnknownKeyIsAnErrorNamingTheNearestOne() {
        XCTAssertThrowsError(try load("fashion-class-pixel.yaml", overrides: ["conditioning.cond_drop_prop=0.2"])) { error in
            XCTAssertEqual(error as? ConfigError, .unknownKey(key: "conditioning.cond_drop_prop",
                                                               source: "--set conditioning.cond_drop_prop=0.2",
                                                               suggestion: "conditioning.cond_drop_prob"))
        }
        XCTAssertThrowsError(try load("fashion-class-pixel.yaml", overrides: ["diffusion.parameterization=noise"])) { error in
            XCTAssertTrue("\(error)".contains("diffusion.parameterization"), "\(error)")
        }
        XCTAssertThrowsError(try load("fashion-class-pixel.yaml", overrides: ["diffusion.min_snr_gamma=-1"]).diffusion.makeLoss()) {
            XCTAssertEqual("\($0)", "diffusion setting 'min_snr_gamma' is -1.0: expected a positive number, or no value")
        }
    }
}
