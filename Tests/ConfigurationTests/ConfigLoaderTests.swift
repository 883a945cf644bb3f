import Configuration
import Foundation
import XCTest

private enum Regularizer: String, Codable { case kl, vq }

private struct ModelSettings: Codable, Equatable {
    var channels = 32
    var channelMultipliers = [1, 2, 2]
    var regularizer = Regularizer.kl
    var dropout: Float = 0
}

private struct RunSettings: Configuration, Equatable {
    var model = ModelSettings()
    var learningRate: Double = 1e-3
    var seed: UInt64 = 0
    var name: String? = nil
    var useEMA = false
}

final class ConfigLoaderTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-tests-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func file(_ name: String, _ text: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private func loadError(_ files: [URL], _ overrides: [String] = []) -> ConfigError? {
        do {
            _ = try ConfigLoader.load(RunSettings.self, files: files, overrides: overrides)
            return nil
        } catch { return error as? ConfigError }
    }

    func testDefaultsFilesAndOverridesMergeLeftToRight() throws {
        let base = try file("base.yaml", "model:\n  channels: 64\n  channel_multipliers: [1, 2, 4]\nlearning_rate: 2.0e-4\n")
        let small = try file("small.yaml", "model:\n  channels: 16\nname: tiny\n")
        let (config, _) = try ConfigLoader.load(RunSettings.self, files: [base, small],
                                                overrides: ["model.regularizer=vq", "seed=7", "use_ema=true"])
        var expected = RunSettings()
        expected.model.channels = 16
        expected.model.channelMultipliers = [1, 2, 4]
        expected.model.regularizer = .vq
        expected.learningRate = 2e-4
        expected.seed = 7
        expected.name = "tiny"
        expected.useEMA = true
        XCTAssertEqual(config, expected)
    }

    func testUnknownKeyNamesFileLineAndNearestKey() throws {
        let url = try file("typo.yaml", "model:\n  chanels: 8\n")
        XCTAssertEqual(loadError([url]),
                       .unknownKey(key: "model.chanels", source: "\(url.path):2", suggestion: "model.channels"))
        XCTAssertEqual(loadError([], ["learning_rat=1"]),
                       .unknownKey(key: "learning_rat", source: "--set learning_rat=1", suggestion: "learning_rate"))
    }

    func testWrongTypeNamesKeyAndSource() throws {
        let url = try file("bad.yaml", "model:\n  channels: lots\n")
        XCTAssertEqual(loadError([url]), .typeMismatch(key: "model.channels", expected: "an integer",
                                                       found: "'lots'", source: "\(url.path):2"))
        guard case .invalidValue(let key, _, _)? = loadError([], ["model.regularizer=gan"]) else {
            return XCTFail("a bad enum case must be an invalid value")
        }
        XCTAssertEqual(key, "model.regularizer")
        XCTAssertEqual(loadError([], ["model=3"]),
                       .typeMismatch(key: "model", expected: "a mapping", found: "'3'", source: "--set model=3"))
    }

    func testBrokenYAMLAndMissingFileAreReported() throws {
        let url = try file("broken.yaml", "model: [1, 2\n")
        guard case .invalidYAML(let where_, _)? = loadError([url]) else { return XCTFail("expected invalid YAML") }
        XCTAssertEqual(where_, url.path)
        guard case .unreadableFile(let path, _)? = loadError([folder.appendingPathComponent("none.yaml")]) else {
            return XCTFail("expected unreadable file")
        }
        XCTAssertTrue(path.hasSuffix("none.yaml"))
    }

    func testSavedYAMLLoadsBackToTheSameConfig() throws {
        var config = RunSettings()
        config.model.channels = 48
        config.name = ""
        let url = try file("saved.yaml", try ConfigLoader.yaml(of: config))
        XCTAssertEqual(try ConfigLoader.load(RunSettings.self, files: [url]).config, config)
    }
}
