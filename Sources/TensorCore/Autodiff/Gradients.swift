/// Reverse-mode differentiation over the graph of nodes behind a value.
///
/// Returns ∂root/∂t for each t in `wrt`, in order (zeros where the root does not depend on t).
/// `root` is usually a scalar loss; for a non-scalar root pass `seed`, the cotangent of the root
/// (a vector–Jacobian product). Only nodes on a path from the root to a requested tensor are visited;
/// cotangents are summed where a value fans out; each pullback is freed after use unless
/// `retainingGraph` is true (needed for a second backward pass over the same forward, e.g. the
/// adaptive GAN weight).
public func gradients(of root: Tensor, wrt tensors: [Tensor], seed: Tensor? = nil,
                      retainingGraph: Bool = false) -> [Tensor] {
    if let seed {
        precondition(seed.shape == root.shape, "gradients: seed shape \(seed.shape) ≠ root shape \(root.shape)")
    } else {
        precondition(root.count == 1, "gradients: root of shape \(root.shape) needs a seed cotangent")
    }
    guard let rootNode = root.node else { return tensors.map { Tensor.zeros($0.shape) } }

    let targets = Set(tensors.compactMap(\.graphIdentity))
    let order = BackwardOrder(root: rootNode, targets: targets)
    var cotangents: [ObjectIdentifier: Tensor] = [:]
    if order.leadsToTarget.contains(ObjectIdentifier(rootNode)) {
        cotangents[ObjectIdentifier(rootNode)] = seed?.detached() ?? Tensor(repeating: 1, shape: root.shape)
    }

    withoutGradients {
        for node in order.nodesRootFirst {
            let id = ObjectIdentifier(node)
            guard !targets.contains(id) || !node.isLeaf, let cotangent = cotangents[id] else { continue }
            guard let pullback = node.pullback else {
                preconditionFailure("gradients: the graph through '\(node.op)' was already used by a backward "
                                    + "pass; pass retainingGraph: true to the first one")
            }
            let wanted = node.inputs.map { $0.map { order.leadsToTarget.contains(ObjectIdentifier($0)) } ?? false }
            let inputCotangents = pullback(cotangent, wanted)
            if !retainingGraph { node.pullback = nil }
            // The root's cotangent is kept for targets that are also interior nodes.
            if !targets.contains(id) { cotangents[id] = nil }
            for (index, input) in node.inputs.enumerated() where wanted[index] {
                guard let input, let g = inputCotangents[index] else { continue }
                precondition(g.shape == input.shape,
                             "pullback of '\(node.op)' returned shape \(g.shape) for input \(index) of shape \(input.shape)")
                let inputID = ObjectIdentifier(input)
                if let existing = cotangents[inputID] {
                    cotangents[inputID] = existing + g
                } else {
                    cotangents[inputID] = g
                }
            }
        }
    }
    return tensors.map { t in
        t.graphIdentity.flatMap { cotangents[$0] } ?? Tensor.zeros(t.shape)
    }
}

/// The nodes between a root and a set of target nodes, in an order where every node comes before
/// the nodes it was computed from (reverse topological order).
struct BackwardOrder {
    let nodesRootFirst: [GraphNode]
    let leadsToTarget: Set<ObjectIdentifier>

    init(root: GraphNode, targets: Set<ObjectIdentifier>) {
        // Iterative post-order DFS (graphs of deep networks overflow a recursive one).
        var postOrder: [GraphNode] = []
        var visited = Set<ObjectIdentifier>()
        var leads = Set<ObjectIdentifier>()
        var stack: [(node: GraphNode, nextInput: Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while let top = stack.last {
            if top.nextInput < top.node.inputs.count {
                stack[stack.count - 1].nextInput += 1
                if let child = top.node.inputs[top.nextInput], visited.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                stack.removeLast()
                let id = ObjectIdentifier(top.node)
                if targets.contains(id)
                    || top.node.inputs.contains(where: { $0.map { leads.contains(ObjectIdentifier($0)) } ?? false }) {
                    leads.insert(id)
                }
                postOrder.append(top.node)
            }
        }
        nodesRootFirst = postOrder.reversed().filter { leads.contains(ObjectIdentifier($0)) }
        leadsToTarget = leads
    }
}
