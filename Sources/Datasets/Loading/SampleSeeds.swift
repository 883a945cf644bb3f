import TensorCore

/// The seeds of a loader's random streams, each a pure function of the loader's seed and the
/// position, so the order and augmentation of any batch can be reproduced without replaying the
/// batches before it, and do not depend on timing or prefetching. Public so that other loaders
/// (the latent cache's) follow the same conventions.
public struct SampleSeeds: Sendable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// The dataset indices in the order of epoch `epoch`: a permutation when shuffling, else 0..<count.
    public func order(ofEpoch epoch: Int, count: Int, shuffled: Bool) -> [Int] {
        guard shuffled else { return Array(0..<count) }
        var generator = SeededGenerator(seed: mixed([seed, Stream.order.rawValue, UInt64(epoch)]))
        return Array(0..<count).seededShuffle(using: &generator)
    }

    /// The augmentation generator of the sample at `slot` (its place in the epoch's order) of `epoch`.
    public func augmentation(epoch: Int, slot: Int) -> SeededGenerator {
        SeededGenerator(seed: mixed([seed, Stream.augmentation.rawValue, UInt64(epoch), UInt64(slot)]))
    }

    private enum Stream: UInt64 {
        case order = 1
        case augmentation = 2
    }

    /// Hashes the values into one seed by chaining the SplitMix64 finaliser (Steele et al., 2014),
    /// so that nearby inputs (epoch 3 and 4) give unrelated seeds.
    private func mixed(_ values: [UInt64]) -> UInt64 {
        values.reduce(0x243F_6A88_85A3_08D3) { hash, value in
            var z = (hash ^ value) &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
