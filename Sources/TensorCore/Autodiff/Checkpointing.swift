/// Activation checkpointing: runs `block` without keeping its intermediate activations, and
/// recomputes them during the backward pass (memory for time; Chen et al. 2016).
///
/// `inputs` are the block's tensor inputs; `parameters` are the differentiable tensors the block
/// reads from elsewhere (its module's parameters) — gradients reach only what is listed here. The
/// block must be deterministic (same output when recomputed): draw dropout masks outside it.
public func checkpointed(_ inputs: [Tensor], parameters: [Tensor], _ block: @escaping ([Tensor]) -> Tensor) -> Tensor {
    let output = withoutGradients { block(inputs.map { $0.detached() }) }
    let inputCount = inputs.count
    return output.recorded("checkpoint", inputs: inputs + parameters) { cotangent, wanted in
        let leaves = inputs.map { $0.detached().asLeaf(named: "checkpointInput") }
        let recomputed = withGradients { block(leaves) }
        var targets: [Tensor] = []
        for (index, isWanted) in wanted.enumerated() where isWanted {
            targets.append(index < inputCount ? leaves[index] : parameters[index - inputCount])
        }
        var computed = gradients(of: recomputed, wrt: targets, seed: cotangent).makeIterator()
        return wanted.map { $0 ? computed.next() : nil }
    }
}
