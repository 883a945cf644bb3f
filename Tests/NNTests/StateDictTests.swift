import NN
import TensorCore
import XCTest

private final class Block: Module {
    @Parameter var weight: Tensor
    @Buffer var runningMean: Tensor
    init(channels: Int, value: Float) {
        weight = Tensor(repeating: value, shape: [channels, 2])
        runningMean = Tensor(repeating: -value, shape: [channels])
        super.init()
    }
}

private final class Network: Module {
    let encoder: Block
    let decoder: Block
    init(channels: Int = 3, value: Float = 1) {
        encoder = Block(channels: 2, value: value)
        decoder = Block(channels: channels, value: 2 * value)
        super.init()
    }
}

final class StateDictTests: XCTestCase {
    func testStateDictHoldsParametersAndBuffersByKey() {
        let state = Network().stateDict()
        XCTAssertEqual(Set(state.keys), ["encoder.weight", "encoder.runningMean", "decoder.weight", "decoder.runningMean"])
        XCTAssertEqual(state["decoder.weight"]?.scalars, [Float](repeating: 2, count: 6))
        XCTAssertEqual(state["encoder.runningMean"]?.scalars, [-1, -1])
        XCTAssertFalse(state["encoder.weight"]!.isDifferentiable)
    }

    func testLoadCopiesValuesInPlace() throws {
        let source = Network(value: 5), target = Network(value: 1)
        target.encoder.$weight.freeze()
        let identity = target.decoder.weight.graphIdentity
        let report = try target.load(stateDict: source.stateDict())
        XCTAssertEqual(report.missingKeys, [])
        XCTAssertEqual(report.unexpectedKeys, [])
        XCTAssertEqual(target.stateDict().mapValues(\.scalars), source.stateDict().mapValues(\.scalars))
        XCTAssertEqual(target.decoder.weight.graphIdentity, identity)
        XCTAssertTrue(target.encoder.$weight.isFrozen)
        XCTAssertFalse(target.encoder.weight.isDifferentiable)
    }

    func testSnapshotIsNotChangedByLaterUpdates() {
        let network = Network()
        let snapshot = network.stateDict()
        network.decoder.$weight.update { $0.update(repeating: 9) }
        XCTAssertEqual(snapshot["decoder.weight"]?.scalars, [Float](repeating: 2, count: 6))
    }

    func testStrictLoadNamesTheFirstMissingKey() {
        var state = Network().stateDict()
        state["encoder.runningMean"] = nil
        state["decoder.weight"] = nil
        XCTAssertThrowsError(try Network().load(stateDict: state)) { error in
            XCTAssertEqual(error as? StateDictError, .missingKey("decoder.weight"))
        }
    }

    func testStrictLoadNamesTheFirstUnexpectedKey() {
        var state = Network().stateDict()
        state["decoder.bias"] = Tensor.zeros([3])
        state["alpha"] = Tensor.zeros([1])
        XCTAssertThrowsError(try Network().load(stateDict: state)) { error in
            XCTAssertEqual(error as? StateDictError, .unexpectedKey("alpha"))
        }
    }

    func testShapeMismatchNamesBothShapesAndLoadsNothing() {
        let target = Network(channels: 1, value: 1)
        XCTAssertThrowsError(try target.load(stateDict: Network(channels: 3, value: 7).stateDict(), strict: false)) { error in
            XCTAssertEqual(error as? StateDictError, .shapeMismatch(key: "decoder.weight", checkpoint: [3, 2], model: [1, 2]))
            XCTAssertEqual("\(error)", "decoder.weight: checkpoint [3,2], model [1,2]")
        }
        XCTAssertEqual(target.encoder.weight.scalars, [1, 1, 1, 1], "a failed load must change nothing")
    }

    func testNonStrictLoadSkipsAndReportsKeys() throws {
        var state = Network(value: 4).stateDict()
        state["decoder.weight"] = nil
        state["extra"] = Tensor.zeros([2])
        let target = Network(value: 1)
        let report = try target.load(stateDict: state, strict: false)
        XCTAssertEqual(report.missingKeys, ["decoder.weight"])
        XCTAssertEqual(report.unexpectedKeys, ["extra"])
        XCTAssertEqual(target.encoder.weight.scalars, [Float](repeating: 4, count: 4))
        XCTAssertEqual(target.decoder.weight.scalars, [Float](repeating: 2, count: 6))
        XCTAssertEqual(target.decoder.runningMean.scalars, [-8, -8, -8])
    }
}
