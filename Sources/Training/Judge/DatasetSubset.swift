import Datasets
import TensorCore

/// The items of `base` at `indices`, in that order: a fixed sample of a dataset.
struct DatasetSubset: ImageDataset {
    let base: any ImageDataset
    let indices: [Int]

    var name: String { "\(base.name) (\(indices.count) of \(base.count))" }
    var count: Int { indices.count }
    var channels: Int { base.channels }
    var classNames: [String] { base.classNames }

    /// `count` distinct items of `base` drawn with `seed` (all of them, shuffled, when it has fewer).
    init(sampling count: Int, of base: any ImageDataset, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        self.base = base
        self.indices = Array(Array(0..<base.count).seededShuffle(using: &generator).prefix(count))
    }

    func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
        try base.sample(at: indices[index], generator: &generator)
    }
}
