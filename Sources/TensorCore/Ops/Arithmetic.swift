/// Broadcasting arithmetic: +, −, ×, ÷ between tensors and with scalars, and negation.
/// Each pullback sums the cotangent back over the axes an input was broadcast along.
extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        broadcastMap(a, b, +).recorded("add", inputs: [a, b]) { g, wanted in
            [wanted[0] ? g.unbroadcasted(to: a.shape) : nil,
             wanted[1] ? g.unbroadcasted(to: b.shape) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        broadcastMap(a, b, -).recorded("sub", inputs: [a, b]) { g, wanted in
            [wanted[0] ? g.unbroadcasted(to: a.shape) : nil,
             wanted[1] ? (-g).unbroadcasted(to: b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        broadcastMap(a, b, *).recorded("mul", inputs: [a, b]) { g, wanted in
            [wanted[0] ? (g * b).unbroadcasted(to: a.shape) : nil,
             wanted[1] ? (g * a).unbroadcasted(to: b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        broadcastMap(a, b, /).recorded("div", inputs: [a, b]) { g, wanted in
            [wanted[0] ? (g / b).unbroadcasted(to: a.shape) : nil,
             wanted[1] ? (-(g * a) / (b * b)).unbroadcasted(to: b.shape) : nil]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        a.map { -$0 }.recorded("neg", inputs: [a]) { g, _ in [-g] }
    }

    public static func + (a: Tensor, s: Float) -> Tensor {
        a.map { $0 + s }.recorded("addScalar", inputs: [a]) { g, _ in [g] }
    }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func - (s: Float, a: Tensor) -> Tensor { (-a) + s }

    public static func * (a: Tensor, s: Float) -> Tensor {
        a.map { $0 * s }.recorded("mulScalar", inputs: [a]) { g, _ in [g * s] }
    }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    public static func / (s: Float, a: Tensor) -> Tensor { Tensor(s) / a }
}
