import Foundation

/// A seeded xoshiro256** generator whose whole state can be saved and restored, so a resumed run
/// draws exactly the numbers an uninterrupted one would.
///
/// Every random draw in swift-ldm takes one of these explicitly; trainers own one per stream
/// (data order, noise, dropout).
public struct SeededGenerator: RandomNumberGenerator, Codable, Equatable, Sendable {
    /// The four state words; never all zero.
    public private(set) var state: [UInt64]

    /// A generator whose state is expanded from `seed` with SplitMix64.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = [splitMix(), splitMix(), splitMix(), splitMix()]
    }

    /// A generator continuing from a saved `state`.
    public init(state: [UInt64]) {
        precondition(state.count == 4 && state.contains { $0 != 0 }, "SeededGenerator: invalid saved state \(state)")
        self.state = state
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotateLeft(state[3], 45)
        return result
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform Float in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A pair of independent standard normal draws (Box–Muller).
    public mutating func nextNormalPair() -> (Float, Float) {
        // 1 − u keeps the logarithm's argument in (0, 1].
        let u1 = 1 - Double(next() >> 11) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        let radius = (-2 * Foundation.log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        return (Float(radius * Foundation.cos(angle)), Float(radius * Foundation.sin(angle)))
    }

    /// A generator for an independent stream, derived from this one's next draw.
    public mutating func split() -> SeededGenerator { SeededGenerator(seed: next()) }
}

extension Tensor {
    /// Uniform values in [low, high).
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     using generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape) { out in
            for i in 0..<out.count { out[i] = low + (high - low) * generator.nextUniform() }
        }
    }

    /// Normal values with the given mean and standard deviation.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    using generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape) { out in
            var i = 0
            while i < out.count {
                let (a, b) = generator.nextNormalPair()
                out[i] = mean + standardDeviation * a
                if i + 1 < out.count { out[i + 1] = mean + standardDeviation * b }
                i += 2
            }
        }
    }

    /// Values drawn from N(mean, std²) and redrawn until inside [mean − 2·std, mean + 2·std]
    /// (PyTorch's `trunc_normal_` defaults, used by some initialisations).
    public static func randomTruncatedNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                             using generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape) { out in
            for i in 0..<out.count {
                var value: Float
                repeat { value = generator.nextNormalPair().0 } while value.magnitude > 2
                out[i] = mean + standardDeviation * value
            }
        }
    }
}

extension Array {
    /// A Fisher–Yates shuffle driven by `generator` (the same permutation for the same state).
    public func seededShuffle(using generator: inout SeededGenerator) -> [Element] {
        var copy = self
        if copy.count < 2 { return copy }
        for i in stride(from: copy.count - 1, to: 0, by: -1) {
            let j = Int(generator.next() % UInt64(i + 1))
            copy.swapAt(i, j)
        }
        return copy
    }
}
