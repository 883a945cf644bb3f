import Foundation
import HDF5Store
import TensorCore

/// Appends encoded batches to a latent cache file and finishes it.
///
/// Each batch is appended to every dataset, then the `count` attribute moves on and the file is
/// flushed, so `count` never exceeds the rows that were fully written. Rows past `count` (a write
/// that was cut off) are dropped when the file is continued.
final class LatentCacheWriter {
    let file: HDF5File
    /// The file's path, for messages.
    let path: String
    private(set) var count: Int

    private init(file: HDF5File, path: String, count: Int) {
        self.file = file
        self.path = path
        self.count = count
    }

    /// A new, empty cache at `url` (replacing any file there) with the attributes of `identity`.
    static func create(at url: URL, identity: LatentCacheIdentity, classNames: [String]) throws -> LatentCacheWriter {
        let file = try HDF5File.create(at: url)
        try file.setAttribute(LatentCacheLayout.Attribute.format, LatentCacheLayout.format)
        try identity.write(to: file)
        try file.setAttribute(LatentCacheLayout.Attribute.complete, 0)
        try file.setAttribute(LatentCacheLayout.Attribute.count, 0)
        if !classNames.isEmpty {
            try file.createDataset(LatentCacheLayout.Dataset.classNames, of: .string, shape: [0]).append(classNames)
            _ = try file.createDataset(LatentCacheLayout.Dataset.labels, of: .int64, shape: [0])
        }
        try file.flush()
        return LatentCacheWriter(file: file, path: url.relativePath, count: 0)
    }

    /// The incomplete cache `file`, cut back to its last whole batch of `batchSize` rows, to be
    /// continued from there.
    static func continuing(_ file: HDF5File, path: String, batchSize: Int) throws -> LatentCacheWriter {
        let stored = try file.intAttribute(LatentCacheLayout.Attribute.count)
        let count = stored - stored % batchSize
        for name in LatentCacheLayout.Dataset.perRow where file.contains(name) {
            let dataset = try file.dataset(name)
            guard dataset.rowCount >= count else {
                throw LatentCacheError.malformed(file: path, detail: "dataset '\(name)' has \(dataset.rowCount) rows, "
                                                 + "fewer than the \(stored) of its 'count' attribute")
            }
            try dataset.extend(toRows: count)
        }
        try file.setAttribute(LatentCacheLayout.Attribute.count, count)
        try file.flush()
        return LatentCacheWriter(file: file, path: path, count: count)
    }

    /// Appends one batch: `latents` [B, C, h, w], for KL the posterior's `mean` and `logVariance`
    /// (same shape), the labels when the file has a `labels` dataset, and captions (nil when no
    /// sample of the batch has one).
    func append(latents: Tensor, posterior: (mean: Tensor, logVariance: Tensor)?,
                labels: [Int]?, captions: [String]?) throws {
        typealias Name = LatentCacheLayout.Dataset
        let rows = latents.shape[0]
        try rowDataset(Name.latents, like: latents).append(latents.scalars)
        if let posterior {
            try rowDataset(Name.mean, like: posterior.mean).append(posterior.mean.scalars)
            try rowDataset(Name.logVariance, like: posterior.logVariance).append(posterior.logVariance.scalars)
        }
        if file.contains(Name.labels) {
            try file.dataset(Name.labels).append((labels ?? Array(repeating: -1, count: rows)).map(Int64.init))
        }
        if captions != nil || file.contains(Name.captions) {
            let dataset = try file.contains(Name.captions)
                ? file.dataset(Name.captions) : file.createDataset(Name.captions, of: .string, shape: [count])
            try dataset.append(captions ?? Array(repeating: "", count: rows))
        }
        count += rows
        try file.setAttribute(LatentCacheLayout.Attribute.count, count)
        try file.flush()
    }

    /// Stores the scale factor 1/std of all latents and marks the cache complete.
    /// - Returns: the scale factor.
    @discardableResult
    func finish() throws -> Double {
        let deviation = try standardDeviation(of: try file.dataset(LatentCacheLayout.Dataset.latents))
        guard deviation > 0, deviation.isFinite else {
            throw LatentCacheError.degenerateLatents(file: path, standardDeviation: deviation)
        }
        try file.setAttribute(LatentCacheLayout.Attribute.scaleFactor, 1 / deviation)
        try file.setAttribute(LatentCacheLayout.Attribute.complete, 1)
        try file.flush()
        return 1 / deviation
    }

    /// The float32 dataset `name`, created with one row per chunk and rows shaped like `example`'s
    /// when it does not exist yet.
    private func rowDataset(_ name: String, like example: Tensor) throws -> HDF5Dataset {
        if file.contains(name) { return try file.dataset(name) }
        return try file.createDataset(name, of: .float32, shape: [0] + example.shape.dropFirst(), rowsPerChunk: 1)
    }
}

/// The sample standard deviation (n − 1, as `torch.std`) of all values of `dataset`, accumulated in
/// Double in two passes (mean, then squared deviations), reading slabs of rows.
func standardDeviation(of dataset: HDF5Dataset) throws -> Double {
    let slab = max(1, (1 << 20) / max(1, dataset.rowLength))
    func forEachSlab(_ body: ([Float]) -> Void) throws {
        for start in stride(from: 0, to: dataset.rowCount, by: slab) {
            body(try dataset.readFloats(rows: start..<min(start + slab, dataset.rowCount)))
        }
    }
    let count = Double(dataset.rowCount * dataset.rowLength)
    guard count > 1 else { return 0 }
    var sum = 0.0
    try forEachSlab { values in sum += values.reduce(0.0) { $0 + Double($1) } }
    let mean = sum / count
    var squares = 0.0
    try forEachSlab { values in squares += values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } }
    return (squares / (count - 1)).squareRoot()
}
