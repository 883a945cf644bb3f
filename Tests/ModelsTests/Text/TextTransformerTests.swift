import Models
import TensorCore
import TestSupport
import XCTest

/// The trainable text encoder against the same network written in PyTorch (Scripts/fixtures/text_transformer.py).
final class TextTransformerTests: XCTestCase {
    private func fixtureModel() throws -> (TextTransformer, [String: Tensor]) {
        let fixture = try Fixtures.load("text_transformer")
        let sizes = try fixture.tensor("architecture").scalars.map { Int($0) }
        var architecture = TextTransformerArchitecture()
        (architecture.vocabularySize, architecture.maxLength, architecture.width) = (sizes[0], sizes[1], sizes[2])
        (architecture.depth, architecture.heads, architecture.headChannels) = (sizes[3], sizes[4], sizes[5])
        var generator = SeededGenerator(seed: 0)
        let model = TextTransformer(architecture, generator: &generator)
        var weights: [String: Tensor] = [:]
        for (key, value) in fixture where key.hasPrefix("weights.") { weights[String(key.dropFirst(8))] = value }
        try model.load(stateDict: weights)
        return (model, fixture)
    }

    func testOutputMatchesPyTorch() throws {
        let (model, fixture) = try fixtureModel()
        let ids = try fixture.tensor("ids")
        let rows = (0..<ids.shape[0]).map { row in (0..<ids.shape[1]).map { Int(ids.scalars[row * ids.shape[1] + $0]) } }
        assertClose(model(rows), try fixture.tensor("output"), rtol: 1e-5, atol: 1e-5)
    }

    /// Token and position tables, then per layer 2 norms, q/k/v, the output projection and the
    /// feed-forward, then the final norm.
    func testParameterCountIsTheClosedForm() {
        var architecture = TextTransformerArchitecture()
        (architecture.vocabularySize, architecture.maxLength, architecture.width, architecture.depth) = (100, 16, 32, 3)
        (architecture.heads, architecture.headChannels) = (4, 8)
        var generator = SeededGenerator(seed: 1)
        let model = TextTransformer(architecture, generator: &generator)
        let width = 32, inner = 32
        let layer = 2 * 2 * width + 3 * width * inner + inner * width + width + width * 4 * width + 4 * width
            + 4 * width * width + width
        XCTAssertEqual(model.parameterCount, 100 * width + 16 * width + 3 * layer + 2 * width)
    }

    /// Only the rows of the tokens in the batch receive gradient; the encoder sees word order.
    func testGradientsReachOnlyTheUsedTokensAndOrderMatters() throws {
        let (model, _) = try fixtureModel()
        let table = model.namedParameters().first { $0.key == "tokenEmbedding.weight" }!.parameter.wrappedValue
        let output = model([[1, 7, 23]])
        let gradient = gradients(of: output.sum(), wrt: [table])[0]
        let width = table.shape[1]
        for row in 0..<table.shape[0] {
            let norm = gradient.scalars[(row * width)..<((row + 1) * width)].map(abs).reduce(0, +)
            XCTAssertEqual(norm > 0, [1, 7, 23].contains(row), "row \(row)")
        }
        let swapped = withoutGradients { model([[1, 23, 7]]) }
        XCTAssertNotEqual(withoutGradients { model([[1, 7, 23]]) }.scalars, swapped.scalars)
    }
}
