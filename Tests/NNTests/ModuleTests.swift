import NN
import TensorCore
import XCTest

private final class Leaf: Module {
    @Parameter var weight: Tensor
    @Parameter var bias: Tensor
    @Buffer var runningMean: Tensor
    override init() {
        weight = Tensor.ones([2, 2]); bias = Tensor.zeros([2]); runningMean = Tensor.zeros([2])
        super.init()
    }
}

private final class Tree: Module {
    let first = Leaf()
    let blocks = [Leaf(), Leaf()]
    let shortcut: Leaf? = Leaf()
    let absent: Leaf? = nil
}

final class ModuleTests: XCTestCase {
    func testParameterKeysFollowPropertyPaths() {
        let keys = Tree().namedParameters().map(\.key)
        XCTAssertEqual(keys, ["first.weight", "first.bias", "blocks.0.weight", "blocks.0.bias",
                              "blocks.1.weight", "blocks.1.bias", "shortcut.weight", "shortcut.bias"])
        XCTAssertEqual(Tree().namedBuffers().map(\.key), ["first.runningMean", "blocks.0.runningMean",
                                                          "blocks.1.runningMean", "shortcut.runningMean"])
        XCTAssertEqual(Tree().parameterCount, 4 * 6)
    }

    func testFreezeMakesParametersConstants() {
        let tree = Tree()
        XCTAssertTrue(tree.first.weight.isDifferentiable)
        tree.freeze()
        XCTAssertFalse(tree.first.weight.isDifferentiable)
        XCTAssertTrue(tree.trainableParameters.isEmpty)
        tree.unfreeze()
        XCTAssertTrue(tree.blocks[1].bias.isDifferentiable)
    }

    func testTrainEvalPropagates() {
        let tree = Tree()
        tree.eval()
        XCTAssertFalse(tree.blocks[0].isTraining)
        tree.train()
        XCTAssertTrue(tree.shortcut!.isTraining)
    }

    func testGradientsReachParametersThroughModules() {
        let leaf = Leaf()
        let x = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let loss = (leaf.weight * x + leaf.bias).sum()
        let g = gradients(of: loss, wrt: [leaf.weight, leaf.bias])
        XCTAssertEqual(g[0].scalars, [1, 2, 3, 4])
        XCTAssertEqual(g[1].scalars, [2, 2])
    }
}
