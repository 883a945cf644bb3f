/// Comparison masks, elementwise maximum and minimum, clamping and selection.
///
/// Masks are tensors of 0 and 1 with no graph node (comparisons have no useful derivative); they feed
/// `Tensor.where` or multiply a value.
extension Tensor {
    /// 1 where an element is greater than `threshold`, else 0 (also for NaN).
    public func greater(than threshold: Float) -> Tensor {
        parallelMap { x, y, range in for i in range { y[i] = x[i] > threshold ? 1 : 0 } }
    }

    /// 1 where an element is less than `threshold`, else 0 (also for NaN).
    public func less(than threshold: Float) -> Tensor {
        parallelMap { x, y, range in for i in range { y[i] = x[i] < threshold ? 1 : 0 } }
    }

    /// 1 where `self` is greater than `other` (broadcast together), else 0.
    public func greater(than other: Tensor) -> Tensor {
        Tensor.broadcastMap(self, other) { $0 > $1 ? 1 : 0 }
    }

    /// 1 where `self` is less than `other` (broadcast together), else 0.
    public func less(than other: Tensor) -> Tensor {
        Tensor.broadcastMap(self, other) { $0 < $1 ? 1 : 0 }
    }
}

extension Tensor {
    /// The elementwise maximum of `a` and `b` broadcast together; NaN wins, as in `torch.maximum`.
    ///
    /// At ties the cotangent is split in half between the two inputs (PyTorch's rule, so that
    /// maximum(x, x) has derivative 1); where one input is NaN both receive it whole.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        broadcastMap(a, b) { x, y in x >= y || x.isNaN ? x : y }.recorded("maximum", inputs: [a, b]) { g, wanted in
            [wanted[0] ? broadcastMap(g, a, b) { g, x, y in x == y ? g / 2 : (x < y ? 0 : g) }
                .unbroadcasted(to: a.shape) : nil,
             wanted[1] ? broadcastMap(g, b, a) { g, y, x in y == x ? g / 2 : (y < x ? 0 : g) }
                .unbroadcasted(to: b.shape) : nil]
        }
    }

    /// The elementwise minimum of `a` and `b` broadcast together; NaN wins, and ties split the
    /// cotangent in half, as for `maximum`.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
        broadcastMap(a, b) { x, y in x <= y || x.isNaN ? x : y }.recorded("minimum", inputs: [a, b]) { g, wanted in
            [wanted[0] ? broadcastMap(g, a, b) { g, x, y in x == y ? g / 2 : (x > y ? 0 : g) }
                .unbroadcasted(to: a.shape) : nil,
             wanted[1] ? broadcastMap(g, b, a) { g, y, x in y == x ? g / 2 : (y > x ? 0 : g) }
                .unbroadcasted(to: b.shape) : nil]
        }
    }

    /// Each element limited to [min, max] (either bound may be omitted); NaN stays NaN.
    ///
    /// The gradient is 1 where min ≤ x ≤ max, bounds included, and 0 outside, as `torch.clamp`.
    public func clamped(min lower: Float? = nil, max upper: Float? = nil) -> Tensor {
        precondition(lower != nil || upper != nil, "clamped: give min, max or both")
        let low = lower ?? -.infinity, high = upper ?? .infinity
        precondition(low <= high, "clamped: min \(low) > max \(high) for shape \(shape)")
        let input = self
        return parallelMap { x, y, range in
            for i in range { y[i] = x[i] < low ? low : (x[i] > high ? high : x[i]) }
        }.recorded("clamp", inputs: [self]) { g, _ in
            [Tensor.parallelZipMap(g, input) { g, x, dx, range in
                for i in range { dx[i] = x[i] >= low && x[i] <= high ? g[i] : 0 }
            }]
        }
    }

    /// `a` where `mask` is nonzero and `b` elsewhere, the three broadcast together.
    ///
    /// The mask (usually 0/1 from a comparison) is not differentiated; `a` receives the cotangent where
    /// the mask is set and `b` where it is not.
    public static func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let condition = mask.detached()
        let selected = broadcastMap(condition, a, b) { m, x, y in m != 0 ? x : y }
        return selected.recorded("where", inputs: [a, b]) { g, wanted in
            [wanted[0] ? broadcastMap(g, condition) { g, m in m != 0 ? g : 0 }
                .unbroadcasted(to: a.shape) : nil,
             wanted[1] ? broadcastMap(g, condition) { g, m in m != 0 ? 0 : g }
                .unbroadcasted(to: b.shape) : nil]
        }
    }
}
