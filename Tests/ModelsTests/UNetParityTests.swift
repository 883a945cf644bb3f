import Models
import NN
import TensorCore
import TestSupport
import XCTest

/// The small UNets of Scripts/fixtures/unet.py, compared with PyTorch modules written after CompVis.
final class UNetParityTests: XCTestCase {
    private var fixture: [String: Tensor] = [:]
    private var generator = SeededGenerator(seed: 0)

    override func setUpWithError() throws { fixture = try Fixtures.load("unet") }

    /// model_channels 32, channel_mult [1, 2], one residual block per level, attention at ds 2.
    static func smallArchitecture(variant: String) -> UNetArchitecture {
        var a = UNetArchitecture()
        a.modelChannels = 32
        a.channelMultipliers = [1, 2]
        a.residualBlocks = 1
        a.attentionResolutions = [2]
        if variant == "selfattn" {
            (a.numHeads, a.numHeadChannels) = (2, -1)
        } else {
            (a.numHeads, a.numHeadChannels) = (-1, 16)
            a.contextDimension = 24
            a.numClasses = 3
            a.useScaleShiftNorm = variant == "scaleshift"
        }
        return a
    }

    func testParameterKeysAndShapesAreCompVis() throws {
        let model = try UNetModel(Self.smallArchitecture(variant: "xattn"), generator: &generator)
        let ours = Dictionary(uniqueKeysWithValues: model.namedParameters().map {
            (CompVisKeys.compVisKey($0.key), $0.parameter.wrappedValue.shape) })
        let theirs = fixture.filter { $0.key.hasPrefix("shape.") }
        XCTAssertEqual(Set(ours.keys), Set(theirs.keys.map { String($0.dropFirst("shape.".count)) }))
        for (key, shape) in theirs {
            XCTAssertEqual(ours[String(key.dropFirst("shape.".count))], shape.scalars.map(Int.init), key)
        }
        for (key, _) in model.namedParameters() {
            XCTAssertEqual(CompVisKeys.swiftKey(CompVisKeys.compVisKey(key)), key)
        }
    }

    func testCrossAttentionUNetMatchesPyTorch() throws {
        try checkVariant("xattn")
    }

    func testScaleShiftNormUNetMatchesPyTorch() throws {
        try checkVariant("scaleshift")
    }

    func testUNetWithoutContextMatchesPyTorch() throws {
        try checkVariant("selfattn")
    }

    /// Output, loss and the fixture's gradients of one variant, weights from the closed form.
    private func checkVariant(_ variant: String) throws {
        let architecture = Self.smallArchitecture(variant: variant)
        let model = try UNetModel(architecture, generator: &generator)
        formulaInitialise(model)
        model.eval()
        let context = try fixture.tensor("input.context").asLeaf()
        let output = model(try fixture.tensor("input.x"), timesteps: try integers("input.timesteps"),
                           context: architecture.contextDimension == nil ? nil : context,
                           classLabels: architecture.numClasses == nil ? nil : try integers("input.labels"))
        assertClose(output, try fixture.tensor("\(variant).output"), rtol: 1e-4, atol: 1e-6, "\(variant) output")
        let loss = mseLoss(output, try fixture.tensor("input.target"))
        assertClose(loss, try fixture.tensor("\(variant).loss").reshaped(to: []), rtol: 1e-5, atol: 0)

        var parameters = Dictionary(uniqueKeysWithValues: model.namedParameters().map {
            (CompVisKeys.compVisKey($0.key), $0.parameter.wrappedValue) })
        parameters["context"] = context
        let prefix = "\(variant).grad."
        let names = fixture.keys.filter { $0.hasPrefix(prefix) }.sorted()
        XCTAssertGreaterThan(names.count, 1)
        let found = gradients(of: loss, wrt: try names.map { name in
            try XCTUnwrap(parameters[String(name.dropFirst(prefix.count))], "no parameter for \(name)")
        })
        // The script writes float64 references and checks that PyTorch's own float32 result is within
        // 1e-4 of each one's largest element; twice that is allowed here.
        for (name, gradient) in zip(names, found) {
            let expected = try fixture.tensor(name)
            let scale = expected.scalars.map(abs).max() ?? 1
            assertClose(gradient, expected, rtol: 1e-4, atol: 2e-4 * scale, name)
        }
    }

    private func integers(_ key: String) throws -> [Int] { try fixture.tensor(key).scalars.map { Int($0) } }
}
