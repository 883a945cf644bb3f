import HDF5Store
import TensorCore

/// The rows of one float32 dataset of a latent cache, held in memory or read from the file when
/// asked, one row (one chunk) per read.
struct LatentRows {
    private let dataset: HDF5Dataset
    /// Every row, row-major, when held in memory.
    private let values: [Float]?
    /// The shape of one row, e.g. [C, h, w].
    let rowShape: [Int]

    init(_ dataset: HDF5Dataset, inMemory: Bool) throws {
        self.dataset = dataset
        self.rowShape = Array(dataset.shape.dropFirst())
        self.values = inMemory ? try dataset.readFloats() : nil
    }

    /// The rows `rows` (any order, repeats allowed), stacked: [rows.count] + rowShape.
    func gathered(_ rows: [Int]) throws -> Tensor {
        let length = shapeCount(rowShape), count = dataset.rowCount
        for row in rows {
            precondition((0..<count).contains(row), "LatentCache: row \(row) outside 0..<\(count) of '\(dataset.name)'")
        }
        return try Tensor(shape: [rows.count] + rowShape) { output in
            for (slot, row) in rows.enumerated() {
                let destination = output.baseAddress! + slot * length
                if let values {
                    values.withUnsafeBufferPointer { all in
                        destination.update(from: all.baseAddress! + row * length, count: length)
                    }
                } else {
                    destination.update(from: try dataset.readFloats(rows: row..<row + 1), count: length)
                }
            }
        }
    }
}
