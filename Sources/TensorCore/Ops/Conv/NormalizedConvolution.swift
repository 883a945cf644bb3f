/// `conv2d(groupNormSiLU(x, …), weight, bias, …)` as one primitive that keeps no activation of its own
/// for the backward pass.
///
/// Every residual block of the autoencoder and the UNet feeds its convolutions this way. Recorded as
/// two primitives, the convolution would keep its input, the normalised activation (as large as x),
/// until the backward pass. Here the pullback recomputes it from x, which the group norm needs anyway
/// (and which the block keeps for its skip connection): one more pass of group norm and SiLU, against
/// a full activation of memory per convolution. A convolution of one group; values and gradients are
/// those of the two primitives.
public func groupNormSiLUConv2d(_ x: Tensor, groups: Int, normWeight: Tensor?, normBias: Tensor?, epsilon: Float,
                                weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Padding2D = .zero) -> Tensor {
    func normalized(_ x: Tensor, _ normWeight: Tensor?, _ normBias: Tensor?) -> Tensor {
        groupNormSiLU(x, groups: groups, weight: normWeight, bias: normBias, epsilon: epsilon)
    }
    let y = withoutGradients {
        conv2d(normalized(x, normWeight, normBias), weight: weight, bias: bias, stride: stride, padding: padding)
    }
    let geometry = ConvGeometry(input: x.shape, weight: weight.shape, bias: bias?.shape, stride: stride,
                                padding: padding, groups: 1)
    // Inputs: x, the convolution's weight, then whichever of the norm's weight and bias and the
    // convolution's bias exist.
    let optionals = [normWeight, normBias, bias]
    let inputs = [x, weight] + optionals.compactMap { $0 }
    return y.recorded("groupNormSiLUConv2d", inputs: inputs) { g, wanted in
        var slot = 2
        let optionalWanted = optionals.map { tensor -> Bool in
            guard tensor != nil else { return false }
            defer { slot += 1 }
            return wanted[slot]
        }
        let leaves = [x, normWeight, normBias].map { $0?.detached().asLeaf() }
        let recomputed = withGradients { normalized(leaves[0]!, leaves[1], leaves[2]) }
        let normWanted = [wanted[0], optionalWanted[0], optionalWanted[1]]
        var normGradients: [Tensor?] = [nil, nil, nil]
        if normWanted.contains(true) {
            let seed = conv2dInputGradient(g, weight: weight, geometry)
            let targets = zip(leaves, normWanted).compactMap { leaf, isWanted in isWanted ? leaf : nil }
            var computed = gradients(of: recomputed, wrt: targets, seed: seed).makeIterator()
            normGradients = normWanted.map { $0 ? computed.next() : nil }
        }
        let weightGradient = wanted[1]
            ? conv2dWeightGradient(g, input: recomputed.detached(), columns: [], geometry) : nil
        let biasGradient = optionalWanted[2] ? g.sum(alongAxes: [0, 2, 3]) : nil
        let optionalGradients = [normGradients[1], normGradients[2], biasGradient]
        return [normGradients[0], weightGradient] + zip(optionals, optionalGradients).compactMap { tensor, gradient in
            tensor == nil ? nil : .some(gradient)
        }
    }
}
