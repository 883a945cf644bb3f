/// erf(x) for Float in plain arithmetic that LLVM vectorises, within about 2.3 ulp of the true value.
///
/// libm's `erff` is an opaque call per element (about 20 ns); this inlines into the kernel of `erf`,
/// which exact GELU (the UNet's GEGLU feed-forward) runs on every hidden activation. Two fitted
/// polynomials, both evaluated and one selected, so the loop has no branches:
/// - |x| < 0.8: erf(x) = x·P(x²), P of degree 5;
/// - |x| ≥ 0.8: erf(|x|) = 1 − e^(−x²)·Q(t) with t = 1/(1 + |x|/2), Q of degree 8 fitted to e^(x²)·erfc(x)
///   on [0.8, 4]; beyond 4, erf rounds to ±1, so |x| is clamped there.
/// The coefficients and their fitting errors (3.5e−9 and 1.1e−10) come from
/// Scripts/numerics/erf_polynomials.py. NaN stays NaN.
@inline(__always)
func vectorizableErf(_ x: Float) -> Float {
    let square = x * x
    var p: Float = -6.578160258e-04
    p = p * square + 5.092288145e-03
    p = p * square - 2.682505567e-02
    p = p * square + 1.128321905e-01
    p = p * square - 3.761261139e-01
    p = p * square + 1.128379166e+00
    let nearZero = x * p

    let magnitude = x.magnitude > 4 ? 4 : x.magnitude  // keeps NaN
    let t = 1 / (1 + 0.5 * magnitude)
    var q: Float = -2.352589161e-03
    q = q * t + 1.294764425e-01
    q = q * t - 4.900693137e-01
    q = q * t + 5.831318338e-01
    q = q * t - 1.165259233e-01
    q = q * t + 3.531103887e-01
    q = q * t + 2.583417010e-01
    q = q * t + 2.851050160e-01
    q = q * t - 1.660671029e-04
    let tail = 1 - vectorizableExp(-magnitude * magnitude) * q

    return x.magnitude < 0.8 ? nearZero : Float(signOf: x, magnitudeOf: tail)
}
