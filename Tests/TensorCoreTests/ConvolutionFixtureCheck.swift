import TensorCore
import TestSupport
import XCTest

/// Checks `conv2d`'s output and its gradients for x, weight and bias against the fixture cases `names`
/// of `file` (written by Scripts/fixtures/conv.py and depthwise_conv.py): each case's config is
/// [stride, top, bottom, left, right(, groups)]; a case without groups is depthwise. `tolerance` is the
/// absolute tolerance of y and dx, `weightGradientTolerance` that of the weight gradient.
func assertConvolutionMatchesFixtures(_ file: String, names: [String], tolerance: Float = 1e-5,
                                      weightGradientTolerance: Float = 1e-5) throws {
    let fixture = try Fixtures.load(file)
    for name in names {
        let config = try fixture.tensor("\(name).config").scalars.map { Int($0) }
        let padding = Padding2D(top: config[1], bottom: config[2], left: config[3], right: config[4])
        let x = try fixture.tensor("\(name).x").asLeaf()
        let weight = try fixture.tensor("\(name).weight").asLeaf()
        let bias = fixture["\(name).bias"]?.asLeaf()
        let groups = config.count > 5 ? config[5] : x.shape[1]
        let y = conv2d(x, weight: weight, bias: bias, stride: config[0], padding: padding, groups: groups)
        assertClose(y, try fixture.tensor("\(name).y"), rtol: 1e-5, atol: tolerance, name)

        let grads = gradients(of: y, wrt: [x, weight] + (bias.map { [$0] } ?? []), seed: try fixture.tensor("\(name).dy"))
        assertClose(grads[0], try fixture.tensor("\(name).dx"), rtol: 1e-5, atol: tolerance, "\(name) dx")
        assertClose(grads[1], try fixture.tensor("\(name).dweight"), rtol: 1e-5, atol: weightGradientTolerance,
                    "\(name) dweight")
        if bias != nil {
            assertClose(grads[2], try fixture.tensor("\(name).dbias"), rtol: 1e-5, atol: 1e-5, "\(name) dbias")
        }
    }
}
