import TensorCore
import TestSupport
import XCTest

final class MovementTests: XCTestCase {
    private var fixture: [String: Tensor] = [:]

    override func setUpWithError() throws { fixture = try Fixtures.load("movement") }

    // MARK: permute, transpose, squeeze

    func testPermuteMatchesPyTorch() throws {
        let x3 = try fixture.tensor("permute3.x"), x4 = try fixture.tensor("permute4.x")
        assertClose(x3.permuted([2, 0, 1]), try fixture.tensor("permute3.201"), rtol: 0, atol: 0)
        assertClose(x4.permuted([0, 2, 1, 3]), try fixture.tensor("permute4.0213"), rtol: 0, atol: 0)
        assertClose(x4.permuted([0, 1, -1, -2]), try fixture.tensor("permute4.0132"), rtol: 0, atol: 0)
        assertClose(x4.transposed(), try fixture.tensor("permute4.0132"), rtol: 0, atol: 0)
        assertClose(x4.permuted([3, 1, 0, 2]), try fixture.tensor("permute4.3102"), rtol: 0, atol: 0)
    }

    /// Sizes beyond one 32×32 tile and one parallel chunk, against index arithmetic.
    func testLargePermutesMatchIndexArithmetic() {
        var rng = SeededGenerator(seed: 3)
        let x = Tensor.randomNormal([2, 40, 33, 17], using: &rng)
        for order in [[0, 2, 1, 3], [0, 1, 3, 2], [3, 0, 2, 1], [2, 3, 0, 1], [1, 0, 2, 3]] {
            assertClose(x.permuted(order), referencePermute(x, order), rtol: 0, atol: 0, "order \(order)")
        }
        let wide = Tensor.randomNormal([1, 300, 257], using: &rng)
        assertClose(wide.transposed(), referencePermute(wide, [0, 2, 1]), rtol: 0, atol: 0)
    }

    func testPermuteGradients() {
        var rng = SeededGenerator(seed: 4)
        checkGradients([Tensor.randomNormal([2, 3, 5], using: &rng)]) { $0[0].permuted([2, 0, 1]) }
        checkGradients([Tensor.randomNormal([3, 1, 2, 5], using: &rng)]) { $0[0].permuted([0, 2, 1, 3]) }
        checkGradients([Tensor.randomNormal([2, 3, 5], using: &rng)]) { $0[0].transposed() }
    }

    func testSqueezeAndUnsqueeze() {
        let x = Tensor(shape: [2, 1, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.squeezed(axis: 1).shape, [2, 3])
        XCTAssertEqual(x.squeezed(axis: -2).scalars, x.scalars)
        XCTAssertEqual(x.unsqueezed(axis: 0).shape, [1, 2, 1, 3])
        XCTAssertEqual(x.unsqueezed(axis: -1).shape, [2, 1, 3, 1])
        XCTAssertEqual(x.unsqueezed(axis: 3).shape, [2, 1, 3, 1])
        var rng = SeededGenerator(seed: 5)
        checkGradients([Tensor.randomNormal([3, 1, 2], using: &rng)]) { $0[0].squeezed(axis: 1).unsqueezed(axis: 0) * $0[0].squeezed(axis: 1) }
    }

    // MARK: slice and pad

    func testSliceMatchesPyTorch() throws {
        let x = try fixture.tensor("slice.x")
        assertClose(x.sliced(axis: 1, range: 1..<4), try fixture.tensor("slice.axis1.1to4"), rtol: 0, atol: 0)
        assertClose(x.sliced(axis: -1, range: 2..<3), try fixture.tensor("slice.axis2.2to3"), rtol: 0, atol: 0)
        XCTAssertEqual(x.sliced(axis: 0, range: 1..<1).shape, [0, 5, 4])
    }

    func testSliceGradients() {
        var rng = SeededGenerator(seed: 6)
        let x = Tensor.randomNormal([3, 5, 2], using: &rng)
        checkGradients([x]) { $0[0].sliced(axis: 1, range: 1..<4) }
        checkGradients([x]) { $0[0].sliced(axis: 0, range: 2..<3) }
        checkGradients([x]) { $0[0].sliced(axis: 2, range: 0..<1) * $0[0].sliced(axis: 2, range: 1..<2) }
    }

    func testPadMatchesPyTorch() throws {
        let x = try fixture.tensor("pad.x")
        assertClose(x.padded(Padding2D(top: 0, bottom: 1, left: 0, right: 1)), try fixture.tensor("pad.2d.0101"),
                    rtol: 0, atol: 0)
        assertClose(x.padded(Padding2D(top: 2, bottom: 1, left: 3, right: 0)), try fixture.tensor("pad.2d.2130"),
                    rtol: 0, atol: 0)
        assertClose(try fixture.tensor("pad.all.x").padded([(1, 0), (0, 2), (2, 1)], value: 0.5),
                    try fixture.tensor("pad.all"), rtol: 0, atol: 0)
    }

    func testPadGradients() {
        var rng = SeededGenerator(seed: 7)
        checkGradients([Tensor.randomNormal([1, 2, 3, 3], using: &rng)]) {
            $0[0].padded(Padding2D(top: 0, bottom: 1, left: 2, right: 1))
        }
        checkGradients([Tensor.randomNormal([3, 2], using: &rng)]) { $0[0].padded([(1, 2), (0, 1)], value: -1) }
    }

    /// A slice and a pad big enough to be split over threads, against index arithmetic.
    func testLargeSliceAndPadMatchIndexArithmetic() {
        var rng = SeededGenerator(seed: 8)
        let x = Tensor.randomNormal([4, 150, 230], using: &rng)
        let slice = x.sliced(axis: 1, range: 7..<143)
        let padded = x.padded([(0, 1), (2, 0), (1, 3)], value: 2)
        let xs = x.scalars
        var expectedSlice: [Float] = []
        for i in 0..<4 {
            for j in 7..<143 { expectedSlice += xs[(i * 150 + j) * 230 ..< (i * 150 + j + 1) * 230] }
        }
        assertClose(slice, Tensor(shape: [4, 136, 230], scalars: expectedSlice), rtol: 0, atol: 0)
        var expectedPad = [Float](repeating: 2, count: 5 * 152 * 234)
        for i in 0..<4 {
            for j in 0..<150 {
                for k in 0..<230 { expectedPad[(i * 152 + j + 2) * 234 + k + 1] = xs[(i * 150 + j) * 230 + k] }
            }
        }
        assertClose(padded, Tensor(shape: [5, 152, 234], scalars: expectedPad), rtol: 0, atol: 0)
    }

    // MARK: concatenate, split, chunk

    func testConcatenateSplitChunkMatchPyTorch() throws {
        let parts = try ["cat.a", "cat.b", "cat.c"].map { try fixture.tensor($0) }
        assertClose(Tensor.concatenate(parts, axis: 1), try fixture.tensor("cat.axis1"), rtol: 0, atol: 0)
        let split = try fixture.tensor("split.x").split(sizes: [1, 3, 2], axis: -1)
        for (i, part) in split.enumerated() {
            assertClose(part, try fixture.tensor("split.part\(i)"), rtol: 0, atol: 0)
        }
        let chunks = try fixture.tensor("chunk.x").chunked(3, axis: 1)
        XCTAssertEqual(chunks.map(\.shape), [[2, 2], [2, 2], [2, 1]])
        for (i, part) in chunks.enumerated() {
            assertClose(part, try fixture.tensor("chunk.part\(i)"), rtol: 0, atol: 0)
        }
        XCTAssertEqual(Tensor.zeros([6, 1]).chunked(4, axis: 0).map(\.shape), [[2, 1], [2, 1], [2, 1]])
    }

    func testConcatenateSplitChunkGradients() {
        var rng = SeededGenerator(seed: 9)
        let a = Tensor.randomNormal([2, 3, 2], using: &rng), b = Tensor.randomNormal([2, 1, 2], using: &rng)
        checkGradients([a, b]) { Tensor.concatenate([$0[0], $0[1], $0[0]], axis: 1) }
        checkGradients([a, a]) { Tensor.concatenate([$0[0], $0[1]], axis: -1) }
        let x = Tensor.randomNormal([2, 7], using: &rng)
        checkGradients([x]) { v in
            let parts = v[0].split(sizes: [2, 4, 1], axis: 1)
            return parts[0] * parts[1].sliced(axis: 1, range: 0..<2) + parts[2]
        }
        checkGradients([x]) { v in
            let halves = v[0].chunked(2, axis: 1)
            return halves[0].sliced(axis: 1, range: 0..<3) * halves[1]
        }
    }

    /// Only the wanted inputs of a concatenation get a cotangent.
    func testConcatenateSkipsConstantInputs() {
        let w = Tensor.ones([2]).asLeaf()
        let y = Tensor.concatenate([Tensor.zeros([3]), w * 2], axis: 0)
        assertClose(gradients(of: y.sum(), wrt: [w])[0], Tensor(shape: [2], scalars: [2, 2]))
    }

    // MARK: broadcast

    func testBroadcastedValuesAndGradient() {
        let x = Tensor(shape: [3, 1], scalars: [1, 2, 3])
        let y = x.broadcasted(to: [2, 3, 4])
        XCTAssertEqual(y.shape, [2, 3, 4])
        XCTAssertEqual(y.scalars, (0..<24).map { Float($0 / 4 % 3 + 1) })
        var rng = SeededGenerator(seed: 10)
        checkGradients([Tensor.randomNormal([3, 1, 2], using: &rng)]) { $0[0].broadcasted(to: [2, 3, 4, 2]) }
        checkGradients([Tensor.randomNormal([1, 3], using: &rng)]) { $0[0].broadcasted(to: [5, 3]) }
    }

    /// A broadcast big enough to be split over threads, against the core's broadcasting add.
    func testLargeBroadcastMatchesBroadcastingAdd() {
        var rng = SeededGenerator(seed: 11)
        for shape in [[16, 1, 1], [1, 40], [16, 1, 40]] {
            let x = Tensor.randomNormal(shape, using: &rng)
            assertClose(x.broadcasted(to: [2, 16, 300, 40]), Tensor.zeros([2, 16, 300, 40]) + x, rtol: 0, atol: 0)
        }
    }
}

/// `x.permuted(order)` by index arithmetic, one element at a time.
func referencePermute(_ x: Tensor, _ order: [Int]) -> Tensor {
    let outputShape = order.map { x.shape[$0] }
    let inputStrides = contiguousStrides(x.shape)
    let xs = x.scalars
    var result = [Float](repeating: 0, count: x.count)
    for flat in 0..<x.count {
        var rest = flat, source = 0
        for axis in outputShape.indices.reversed() {
            source += rest % outputShape[axis] * inputStrides[order[axis]]
            rest /= outputShape[axis]
        }
        result[flat] = xs[source]
    }
    return Tensor(shape: outputShape, scalars: result)
}
