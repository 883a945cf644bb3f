import Configuration
import Foundation
import Models
import TensorCore
import TestSupport
import Training
import XCTest

/// Every autoencoder configuration in configs/ parses and builds its model.
final class ConfigFilesTests: XCTestCase {
    private let configFolder = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("configs/autoencoder")

    private func configFiles() throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: configFolder, includingPropertiesForKeys: nil)!
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "yaml" }
            .sorted { $0.path < $1.path }
    }

    func testEveryAutoencoderConfigParsesAndBuildsItsModel() throws {
        let files = try configFiles()
        XCTAssertGreaterThanOrEqual(files.count, 8)
        let compVisCounts = try Fixtures.load("autoencoder")
        for file in files {
            let config = try ConfigLoader.load(AutoencoderRunConfig.self, files: [file]).config
            let a = config.model.architecture
            XCTAssertEqual(a.resolution % a.downsamplingFactor, 0, file.lastPathComponent)
            guard file.deletingLastPathComponent().lastPathComponent == "compvis" else {
                var generator = SeededGenerator(seed: 0)
                XCTAssertGreaterThan(FirstStage.build(config.model, generator: &generator).module.parameterCount, 0)
                continue
            }
            // The CompVis shapes: CompVis's parameter counts (ModelsTests builds these models too).
            let name = file.deletingPathExtension().lastPathComponent
            let expected = try compVisCounts.tensor("params.\(name)").scalar
            var generator = SeededGenerator(seed: 0)
            XCTAssertEqual(Float(FirstStage.build(config.model, generator: &generator).module.parameterCount), expected, name)
        }
    }

    func testTheDemoConfigIsTheIssuesReferenceShape() throws {
        let config = try ConfigLoader.load(AutoencoderRunConfig.self,
                                           files: [configFolder.appendingPathComponent("fashion-kl-f4.yaml")]).config
        let architecture = config.model.architecture
        XCTAssertEqual(architecture.latentShape(height: 32, width: 32), [4, 8, 8])
        // ch 32, ch_mult [1, 2, 2], one res block, z 4: the issue's reference model (its recipe is ours).
        XCTAssertEqual([architecture.channels, architecture.residualBlocks, architecture.zChannels], [32, 1, 4])
        XCTAssertEqual(architecture.channelMultipliers, [1, 2, 2])
        XCTAssertEqual(config.evaluation.measureRegion, [2, 2, 28, 28])
    }
}
