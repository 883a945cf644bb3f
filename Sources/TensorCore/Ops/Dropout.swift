extension Tensor {
    /// Inverted dropout: each element is zeroed with probability p and the survivors are scaled by
    /// 1/(1 − p), so the expectation is unchanged; the identity when p is 0, zeros when p is 1.
    ///
    /// The keep mask is drawn element by element in row-major order from `generator` (an element
    /// survives when its uniform draw is ≥ p), so a run is reproducible from the generator's state.
    /// A composite: the scaled mask is a constant and the product with it is the `*` primitive,
    /// whose pullback multiplies the cotangent by the same mask — a fused kernel would save nothing.
    public func dropout(probability: Float, using generator: inout SeededGenerator) -> Tensor {
        precondition(probability >= 0 && probability <= 1,
                     "dropout: probability \(probability) is not in [0, 1] (input \(shape))")
        if probability == 0 { return self }
        let keptScale = probability < 1 ? 1 / (1 - probability) : 0
        let scaledMask = Tensor(shape: shape) { mask in
            for i in 0..<mask.count { mask[i] = generator.nextUniform() >= probability ? keptScale : 0 }
        }
        return self * scaledMask
    }
}
