import NN
import TensorCore

/// y = x·w + b written with core arithmetic only, for optimizer tests: x [n, 3], w [3, 4], b [4].
final class TinyLinearModel: Module {
    @Parameter var w: Tensor
    @Parameter var b: Tensor

    init(w: Tensor, b: Tensor) {
        self.w = w
        self.b = b
        super.init()
    }

    /// A model with N(0, 1) weights drawn from `seed`.
    convenience init(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        self.init(w: Tensor.randomNormal([3, 4], using: &generator), b: Tensor.randomNormal([4], using: &generator))
    }

    /// x·w + b: [n, 3, 1] × [3, 4] broadcast to [n, 3, 4], summed over the middle axis.
    func callAsFunction(_ x: Tensor) -> Tensor {
        (x.reshaped(to: [x.shape[0], 3, 1]) * w).sum(alongAxes: [1]) + b
    }

    /// mean((x·w + b − t)²) over all elements.
    func loss(_ x: Tensor, _ t: Tensor) -> Tensor {
        let error = self(x) - t
        return (error * error).sum() / Float(error.count)
    }

    /// ∂loss/∂(w, b).
    func gradients(_ x: Tensor, _ t: Tensor) -> [Tensor] {
        TensorCore.gradients(of: loss(x, t), wrt: [w, b])
    }
}

/// Row `index` of a tensor, as a tensor of the remaining axes.
func row(_ tensor: Tensor, _ index: Int) -> Tensor {
    let rowShape = Array(tensor.shape.dropFirst())
    let length = shapeCount(rowShape)
    return Tensor(shape: rowShape, scalars: Array(tensor.scalars[index * length ..< (index + 1) * length]))
}
