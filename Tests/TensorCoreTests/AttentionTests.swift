import TensorCore
import TestSupport
import XCTest

final class AttentionTests: XCTestCase {
    func testSelfAttentionWithOneAndFourHeadsMatchesPyTorch() throws {
        let fixture = try Fixtures.load("norms")
        for (name, heads) in [("self1", 1), ("self4", 4)] {
            let x = try fixture.tensor("attention.\(name).x")
            let y = scaledDotProductAttention(query: x, key: x, value: x, heads: heads)
            assertClose(y, try fixture.tensor("attention.\(name).y"), rtol: 1e-4, atol: 1e-5, name)
        }
    }

    func testMaskedCrossAttentionAndItsGradientsMatchPyTorch() throws {
        let fixture = try Fixtures.load("norms")
        let q = try fixture.tensor("attention.cross.q").asLeaf()
        let k = try fixture.tensor("attention.cross.k").asLeaf()
        let v = try fixture.tensor("attention.cross.v").asLeaf()
        let mask = try fixture.tensor("attention.cross.mask")
        assertClose(scaledDotProductAttention(query: q, key: k, value: v, heads: 4),
                    try fixture.tensor("attention.cross.y"), rtol: 1e-4, atol: 1e-5)
        let y = scaledDotProductAttention(query: q, key: k, value: v, heads: 4, mask: mask)
        assertClose(y, try fixture.tensor("attention.cross.yMasked"), rtol: 1e-4, atol: 1e-5)
        let grads = gradients(of: y, wrt: [q, k, v], seed: try fixture.tensor("attention.cross.dy"))
        for (grad, name) in zip(grads, ["dq", "dk", "dv"]) {
            assertClose(grad, try fixture.tensor("attention.cross.\(name)"), rtol: 1e-4, atol: 1e-5, name)
        }
    }

    func testZeroScaleAveragesValuesAndFullyMaskedQueriesGetZeros() {
        var rng = SeededGenerator(seed: 31)
        let q = Tensor.randomNormal([1, 2, 2], using: &rng), k = Tensor.randomNormal([1, 3, 2], using: &rng)
        let v = Tensor(shape: [1, 3, 2], scalars: [1, 2, 3, 4, 8, 9])
        // With scale 0 every key weighs 1/3; query 1 masks out key 0 and then weighs keys 1 and 2 by 1/2.
        let mask = Tensor(shape: [2, 3], scalars: [1, 1, 1, 0, 1, 1])
        let y = scaledDotProductAttention(query: q, key: k, value: v, heads: 1, mask: mask, scale: 0)
        assertClose(y, Tensor(shape: [1, 2, 2], scalars: [4, 5, 5.5, 6.5]), atol: 1e-5)
        let none = Tensor(shape: [2, 3], scalars: [0, 0, 0, 1, 1, 1])
        let masked = scaledDotProductAttention(query: q, key: k, value: v, heads: 1, mask: none)
        XCTAssertEqual(Array(masked.scalars.prefix(2)), [0, 0])
    }

    func testSelfAttentionGradientSumsTheThreeRoles() {
        var rng = SeededGenerator(seed: 32)
        for (shape, heads) in [([2, 4, 6], 1), ([1, 5, 6], 3)] {
            let x = Tensor.randomNormal(shape, using: &rng)
            checkGradients([x], "shape \(shape), \(heads) heads") { v in
                scaledDotProductAttention(query: v[0], key: v[0], value: v[0], heads: heads)
            }
        }
    }

    func testCrossAttentionGradientsWithMasks() {
        var rng = SeededGenerator(seed: 33)
        let q = Tensor.randomNormal([2, 3, 4], using: &rng), k = Tensor.randomNormal([2, 5, 4], using: &rng)
        let v = Tensor.randomNormal([2, 5, 6], using: &rng)
        let perQuery = Tensor(shape: [3, 5], scalars: [1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0])
        let perBatchAndHead = Tensor(shape: [2, 2, 1, 5], scalars: [1, 1, 0, 1, 1, 0, 1, 1, 1, 0,
                                                                    1, 0, 0, 1, 1, 1, 1, 1, 0, 1])
        for mask in [nil, perQuery, perBatchAndHead] {
            checkGradients([q, k, v], "mask \(mask?.shape ?? [])") { t in
                scaledDotProductAttention(query: t[0], key: t[1], value: t[2], heads: 2, mask: mask, scale: 0.7)
            }
        }
        // Only the value is differentiable: the query and key cotangents are skipped.
        checkGradients([v], "value only") { t in scaledDotProductAttention(query: q, key: k, value: t[0], heads: 2) }
    }
}
