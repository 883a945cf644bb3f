import TensorCore
import TestSupport
import XCTest

final class EmbeddingTests: XCTestCase {
    func testRowsAreLookedUpInIndexShape() {
        let table = Tensor(shape: [3, 2], scalars: [0, 1, 10, 11, 20, 21])
        assertClose(embedding(table, indices: [2, 0, 2]), Tensor(shape: [3, 2], scalars: [20, 21, 0, 1, 20, 21]))
        let shaped = embedding(table, indices: [1, 2, 0, 1], shape: [2, 2])
        assertClose(shaped, Tensor(shape: [2, 2, 2], scalars: [10, 11, 20, 21, 0, 1, 10, 11]))
    }

    func testPullbackScatterAddsRepeatedIndices() {
        let table = Tensor.zeros([4, 2]).asLeaf()
        let y = embedding(table, indices: [3, 1, 3], shape: [1, 3])
        let seed = Tensor(shape: [1, 3, 2], scalars: [1, 2, 3, 4, 5, 6])
        assertClose(gradients(of: y, wrt: [table], seed: seed)[0],
                    Tensor(shape: [4, 2], scalars: [0, 0, 3, 4, 0, 0, 6, 8]))
        var rng = SeededGenerator(seed: 41)
        checkGradients([Tensor.randomNormal([5, 3], using: &rng)]) { embedding($0[0], indices: [4, 0, 4, 2]) }
    }
}
