/// Maps the cotangent of an op's output to the cotangents of its inputs.
///
/// `wanted[i]` tells whether input i's cotangent is needed (it leads to a requested tensor); the
/// pullback returns nil for the others and skips their work (a frozen conv computes no dW).
public typealias Pullback = (_ cotangent: Tensor, _ wanted: [Bool]) -> [Tensor?]

/// One value in the differentiation graph: a leaf (a parameter, or an input marked differentiable)
/// or the output of an op with its inputs' nodes and its pullback.
public final class GraphNode {
    /// The op's name, for error messages and debugging.
    public let op: String
    /// The node of each input, nil where that input is a constant.
    let inputs: [GraphNode?]
    /// The output shape, to check cotangents.
    let shape: [Int]
    /// Freed after its use in a backward pass unless the graph is retained.
    var pullback: Pullback?

    init(op: String, inputs: [GraphNode?], shape: [Int], pullback: Pullback?) {
        self.op = op
        self.inputs = inputs
        self.shape = shape
        self.pullback = pullback
    }

    var isLeaf: Bool { inputs.isEmpty }
}

extension Tensor {
    /// The same value as a new leaf of the graph: gradients can be requested with respect to it.
    /// Parameters are leaves.
    public func asLeaf(named name: String = "leaf") -> Tensor {
        Tensor(shape: shape, storage: storage, node: GraphNode(op: name, inputs: [], shape: shape, pullback: nil))
    }

    /// The same value cut from the graph: no gradient flows through it.
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage, node: nil) }

    /// Attaches a graph node to a freshly computed `self`, the output of op `op` on `inputs`,
    /// when gradients are being recorded and some input is differentiable. Every primitive ends with
    /// this call; the pullback is written right beside the forward.
    public func recorded(_ op: String, inputs: [Tensor], pullback: @escaping Pullback) -> Tensor {
        guard GradientMode.isRecording, inputs.contains(where: { $0.node != nil }) else { return self }
        let node = GraphNode(op: op, inputs: inputs.map(\.node), shape: shape, pullback: pullback)
        return Tensor(shape: shape, storage: storage, node: node)
    }

    /// Identity for the graph: the node behind this value, to compare parameters.
    public var graphIdentity: ObjectIdentifier? { node.map(ObjectIdentifier.init) }
}
