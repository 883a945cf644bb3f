import Foundation
import Models
import NN
import TensorCore
import TestSupport
import XCTest

/// The UNet's construction, configuration errors, timestep embedding, dropout and class context.
final class UNetTests: XCTestCase {
    private var generator = SeededGenerator(seed: 0)

    /// ../shared/bench/torch_ref.py's UNET_LATENT_CONFIG (its pixel config differs as noted).
    static func benchmarkArchitecture(pixel: Bool = false) -> UNetArchitecture {
        var a = UNetArchitecture()
        (a.inChannels, a.outChannels) = pixel ? (3, 3) : (4, 4)
        a.modelChannels = 64
        a.residualBlocks = 2
        a.attentionResolutions = pixel ? [4, 8] : [2, 4]
        a.channelMultipliers = pixel ? [1, 2, 2, 2] : [1, 2, 2]
        (a.numHeads, a.numHeadChannels) = (-1, 32)
        a.contextDimension = 128
        return a
    }

    func testParameterCountsEqualTorchReference() throws {
        let counts = try Fixtures.load("unet")
        let latent = try UNetModel(Self.benchmarkArchitecture(), generator: &generator)
        let pixel = try UNetModel(Self.benchmarkArchitecture(pixel: true), generator: &generator)
        let classes = ClassContext(classes: 10, tokens: 8, dimension: 128, generator: &generator)
        XCTAssertEqual(Float(latent.parameterCount), try counts.tensor("params.unet-latent").scalar)
        XCTAssertEqual(Float(pixel.parameterCount), try counts.tensor("params.unet-pixel").scalar)
        XCTAssertEqual(Float(classes.parameterCount), try counts.tensor("params.class-context").scalar)
    }

    func testZeroInitialisedLayersStartAtZeroAndSoDoesTheOutput() throws {
        var architecture = UNetParityTests.smallArchitecture(variant: "xattn")
        architecture.useScaleShiftNorm = true
        let model = try UNetModel(architecture, generator: &generator)
        let zeroLayers = ["out_layers.3.", "proj_out.", "out.2."]
        var zeroCount = 0
        for (key, parameter) in model.namedParameters() {
            let name = CompVisKeys.compVisKey(key)
            let isZero = parameter.wrappedValue.scalars.allSatisfy { $0 == 0 }
            if zeroLayers.contains(where: name.contains) {
                XCTAssertTrue(isZero, "\(name) should start at zero")
                zeroCount += 1
            } else if parameter.wrappedValue.rank >= 2 {
                XCTAssertFalse(isZero, "\(name) should be random")
            }
        }
        XCTAssertEqual(zeroCount, 2 * (8 + 4 + 1))  // 8 residual blocks, 4 transformers, the final conv
        let x = Tensor.randomNormal([2, 4, 8, 8], using: &generator)
        let output = model(x, timesteps: [0, 999], context: Tensor.randomNormal([2, 3, 24], using: &generator),
                           classLabels: [0, 2])
        XCTAssertEqual(output.shape, [2, 4, 8, 8])
        XCTAssertTrue(output.scalars.allSatisfy { $0 == 0 })
    }

    func testInvalidArchitecturesNameTheSettingValueAndExpectation() {
        let cases: [(String, (inout UNetArchitecture) -> Void, String)] = [
            ("in_channels", { $0.inChannels = 0 }, "0"),
            ("out_channels", { $0.outChannels = -1 }, "-1"),
            ("channel_mult", { $0.channelMultipliers = [] }, "[]"),
            ("model_channels", { $0.modelChannels = 48 }, "48"),
            ("num_res_blocks", { $0.residualBlocks = -1 }, "-1"),
            ("attention_resolutions", { $0.attentionResolutions = [16] }, "[16]"),
            ("num_head_channels", { $0.numHeadChannels = 256 }, "256"),
            ("num_heads", { $0.numHeadChannels = -1 }, "-1"),
            ("num_heads", { ($0.numHeadChannels, $0.numHeads) = (-1, 200) }, "200"),
            ("transformer_depth", { $0.transformerDepth = 0 }, "0"),
            ("context_dim", { $0.contextDimension = 0 }, "0"),
            ("dropout", { $0.dropout = 1 }, "1.0"),
            ("num_classes", { $0.numClasses = 0 }, "0"),
        ]
        for (key, mutate, value) in cases {
            var architecture = UNetArchitecture()
            mutate(&architecture)
            XCTAssertThrowsError(try UNetModel(architecture, generator: &generator), key) { error in
                guard let error = error as? UNetArchitectureError else { return XCTFail("\(key): \(error)") }
                XCTAssertEqual(error.key, key)
                XCTAssertEqual(error.value, value, key)
                XCTAssertTrue(error.description.hasPrefix("UNet architecture: \(key) = \(value) is invalid: expected "),
                              error.description)
            }
        }
    }

    func testArchitectureUsesCompVisNames() throws {
        let json = """
            {"in_channels": 3, "out_channels": 3, "model_channels": 32, "num_res_blocks": 1,
             "attention_resolutions": [1], "channel_mult": [1, 2], "num_heads": 4, "num_head_channels": -1,
             "transformer_depth": 2, "context_dim": 16, "use_scale_shift_norm": true, "dropout": 0.1,
             "num_classes": 10, "use_checkpoint": true}
            """
        let decoded = try JSONDecoder().decode(UNetArchitecture.self, from: Data(json.utf8))
        var expected = UNetArchitecture()
        (expected.inChannels, expected.outChannels, expected.modelChannels, expected.residualBlocks) = (3, 3, 32, 1)
        (expected.attentionResolutions, expected.channelMultipliers) = ([1], [1, 2])
        (expected.numHeads, expected.numHeadChannels, expected.transformerDepth) = (4, -1, 2)
        (expected.contextDimension, expected.useScaleShiftNorm, expected.dropout, expected.numClasses) = (16, true, 0.1, 10)
        expected.useCheckpoint = true
        XCTAssertEqual(decoded, expected)
        XCTAssertNoThrow(try expected.validate())
    }

    func testTimestepEmbeddingIsCosinesThenSinesThenZeroPadding() {
        let embedding = timestepEmbedding([0, 7, 500], dimension: 7)
        XCTAssertEqual(embedding.shape, [3, 7])
        var expected: [Float] = []
        for t in [0.0, 7.0, 500.0] {
            let frequencies = (0..<3).map { Foundation.pow(10000, -Double($0) / 3) }
            expected += frequencies.map { Float(Foundation.cos(t * $0)) } + frequencies.map { Float(Foundation.sin(t * $0)) } + [0]
        }
        assertClose(embedding, Tensor(shape: [3, 7], scalars: expected), rtol: 0, atol: 2e-4)
        let long = timestepEmbedding(Tensor(shape: [1], scalars: [3]), dimension: 4, maxPeriod: 100)
        assertClose(long, Tensor(shape: [1, 4], scalars: [Foundation.cos(3), Foundation.cos(0.3),
                                                          Foundation.sin(3), Foundation.sin(0.3)]), atol: 1e-6)
    }

    func testDropoutIsReproducibleFromItsGeneratorAndOffInEvaluation() throws {
        var architecture = UNetParityTests.smallArchitecture(variant: "selfattn")
        architecture.dropout = 0.5
        let model = try UNetModel(architecture, generator: &generator)
        formulaInitialise(model)
        let x = Tensor.randomNormal([1, 4, 8, 8], using: &generator)
        func run(seed: UInt64) -> Tensor {
            var dropoutGenerator = SeededGenerator(seed: seed)
            return model(x, timesteps: [10], dropoutGenerator: &dropoutGenerator)
        }
        XCTAssertEqual(run(seed: 1).scalars, run(seed: 1).scalars)
        XCTAssertNotEqual(run(seed: 1).scalars, run(seed: 2).scalars)
        model.eval()
        architecture.dropout = 0
        let withoutDropout = try UNetModel(architecture, generator: &generator)
        formulaInitialise(withoutDropout)
        XCTAssertEqual(run(seed: 1).scalars, withoutDropout(x, timesteps: [10]).scalars)
    }

    func testClassContextGivesEachClassItsTokens() {
        let context = ClassContext(classes: 3, tokens: 2, dimension: 4, generator: &generator)
        let table = context.namedParameters()[0].parameter.wrappedValue
        let tokens = context([2, 0])
        XCTAssertEqual(tokens.shape, [2, 2, 4])
        XCTAssertEqual(Array(tokens.scalars[0..<8]), Array(table.scalars[16..<24]))
        XCTAssertEqual(Array(tokens.scalars[8..<16]), Array(table.scalars[0..<8]))
    }
}

/// `use_checkpoint`: recomputing the blocks' activations in the backward pass changes nothing but
/// memory and time, dropout masks included.
final class UNetCheckpointingTests: XCTestCase {
    func testCheckpointedUNetGivesTheSameOutputAndGradients() throws {
        var architecture = UNetArchitecture()
        (architecture.inChannels, architecture.outChannels, architecture.modelChannels) = (2, 2, 32)
        (architecture.channelMultipliers, architecture.attentionResolutions) = ([1, 2], [2])
        (architecture.residualBlocks, architecture.contextDimension, architecture.dropout) = (1, 8, 0.3)
        var results: [(output: [Float], gradients: [[Float]], generator: [UInt64])] = []
        for useCheckpoint in [false, true] {
            architecture.useCheckpoint = useCheckpoint
            var generator = SeededGenerator(seed: 4)
            let model = try UNetModel(architecture, generator: &generator)
            let x = Tensor.randomNormal([2, 2, 8, 8], using: &generator).asLeaf()
            let context = Tensor.randomNormal([2, 3, 8], using: &generator).asLeaf()
            var dropout = SeededGenerator(seed: 9)
            let output = model(x, timesteps: [3, 700], context: context, dropoutGenerator: &dropout)
            let parameters = model.namedParameters().map(\.parameter.wrappedValue)
            let seed = Tensor.randomNormal(output.shape, using: &generator)
            let gradients = TensorCore.gradients(of: output, wrt: [x, context] + parameters, seed: seed)
            results.append((output.scalars, gradients.map(\.scalars), dropout.state))
        }
        XCTAssertEqual(results[0].output, results[1].output)
        XCTAssertEqual(results[0].generator, results[1].generator)
        XCTAssertEqual(results[0].gradients.count, results[1].gradients.count)
        for (index, (plain, checkpointed)) in zip(results[0].gradients, results[1].gradients).enumerated() {
            for (a, b) in zip(plain, checkpointed) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(a)), "tensor \(index)") }
        }
    }
}
