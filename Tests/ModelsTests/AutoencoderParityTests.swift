import Foundation
import Models
import NN
import TensorCore
import TestSupport
import XCTest

/// The tiny autoencoders of Scripts/fixtures/autoencoder.py, compared with PyTorch.
final class AutoencoderParityTests: XCTestCase {
    private var fixture: [String: Tensor] = [:]

    override func setUpWithError() throws { fixture = try Fixtures.load("autoencoder") }

    private var tinyArchitecture: AutoencoderArchitecture {
        var a = AutoencoderArchitecture()
        a.channels = 32
        a.channelMultipliers = [1, 2]
        a.residualBlocks = 1
        a.attentionResolutions = [8]
        a.inChannels = 1
        a.outChannels = 1
        a.resolution = 16
        a.zChannels = 4
        a.embedDimension = 4
        return a
    }

    private func checkGradients(of loss: Tensor, _ model: Module, prefix: String) throws {
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters().map {
            (CompVisKeys.compVisKey($0.key), $0.parameter.wrappedValue) })
        let names = fixture.keys.filter { $0.hasPrefix("\(prefix).grad.") }.sorted()
        XCTAssertFalse(names.isEmpty)
        let gradientsFound = gradients(of: loss, wrt: names.map { parameters[String($0.dropFirst(prefix.count + 6))]! })
        for (name, gradient) in zip(names, gradientsFound) {
            let expected = try fixture.tensor(name)
            let scale = expected.scalars.map(abs).max() ?? 1
            // 2e-4 of the largest gradient: Float32 rounding through the decoder, whose order in the
            // attention products is OpenBLAS's kernel's (1.1e-4 with its Haswell kernel, below 1e-4 with SkylakeX).
            assertClose(gradient, expected, rtol: 1e-3, atol: 2e-4 * scale, name)
        }
    }

    func testKLAutoencoderMatchesPyTorch() throws {
        var generator = SeededGenerator(seed: 0)
        let model = AutoencoderKL(tinyArchitecture, generator: &generator)
        formulaInitialise(model)
        let x = try fixture.tensor("kl.input")
        let posterior = model.encode(x)
        assertClose(posterior.mean, try fixture.tensor("kl.mean"), rtol: 1e-4, atol: 1e-5)
        assertClose(posterior.logVariance, try fixture.tensor("kl.logvar"), rtol: 1e-4, atol: 1e-5)
        let reconstruction = model.decode(posterior.mean)
        // 3e-5, as the VQ model's: OpenBLAS's SkylakeX kernel on AMD's Zen 5 came to 1.5e-5 from PyTorch.
        assertClose(reconstruction, try fixture.tensor("kl.reconstruction"), rtol: 1e-4, atol: 3e-5)
        let kl = posterior.klDivergence()
        assertClose(kl, try fixture.tensor("kl.kl"), rtol: 1e-4, atol: 1e-4)
        let loss = (x - reconstruction).abs().sum() / 2 + 1e-6 * kl.sum() / 2
        assertClose(loss, try fixture.tensor("kl.loss"), rtol: 1e-5, atol: 0)
        try checkGradients(of: loss, model, prefix: "kl")
    }

    func testVQModelMatchesPyTorch() throws {
        var generator = SeededGenerator(seed: 0)
        let model = VQModel(tinyArchitecture, codes: 16, legacy: true, generator: &generator)
        formulaInitialise(model)
        let x = try fixture.tensor("kl.input")
        let (reconstruction, quantization) = model(x)
        XCTAssertEqual(quantization.indices.map(Float.init), try fixture.tensor("vq.indices").scalars)
        assertClose(quantization.loss, try fixture.tensor("vq.qloss").reshaped(to: []), rtol: 1e-4, atol: 1e-7)
        // Twenty-odd Float32 layers; the norms' FMA-accumulated statistics move single values by ~1e-5.
        assertClose(reconstruction, try fixture.tensor("vq.reconstruction"), rtol: 1e-4, atol: 3e-5)
        let loss = (x - reconstruction).abs().mean() + quantization.loss
        try checkGradients(of: loss, model, prefix: "vq")
    }
}
