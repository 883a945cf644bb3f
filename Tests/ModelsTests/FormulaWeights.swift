import Foundation
import Models
import NN
import TensorCore

/// Sets every parameter of `module` from the fixture scripts' closed form (`formula_values` in
/// Scripts/fixtures/autoencoder.py and unet.py), keyed by the parameter's CompVis name:
/// v_i = sin(0.5 + 0.37·i + 1.3·s), s = the name's byte sum mod 1000; norm weights 1 + 0.1·v,
/// other vectors 0.05·v, matrices and kernels v/√fan_in.
func formulaInitialise(_ module: Module) {
    for (key, parameter) in module.namedParameters() {
        let name = CompVisKeys.compVisKey(key)
        let shape = parameter.wrappedValue.shape
        let seed = Double(name.utf8.reduce(0) { $0 + Int($1) } % 1000)
        let count = shapeCount(shape)
        let values = (0..<count).map { i -> Float in
            let v = Foundation.sin(0.5 + 0.37 * Double(i) + 1.3 * seed)
            if shape.count == 1 {
                return Float(name.contains("norm") && name.hasSuffix("weight") ? 1 + 0.1 * v : 0.05 * v)
            }
            return Float(v / Double(count / shape[0]).squareRoot())
        }
        parameter.wrappedValue = Tensor(shape: shape, scalars: values)
    }
}
