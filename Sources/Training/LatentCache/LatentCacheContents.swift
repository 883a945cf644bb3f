import HDF5Store

/// The datasets of a complete latent cache file, checked to fit together: every per-sample dataset
/// has `count` rows, the posterior has the latents' shape, labels name classes.
struct LatentCacheContents {
    let latents: HDF5Dataset
    let posterior: (mean: HDF5Dataset, logVariance: HDF5Dataset)?
    let labels: [Int]?
    let classNames: [String]
    let captions: [String]?
    let scaleFactor: Double

    init(_ file: HDF5File, path: String, count: Int, firstStageKind: String) throws {
        typealias Name = LatentCacheLayout.Dataset
        func malformed(_ detail: String) -> LatentCacheError { .malformed(file: path, detail: detail) }
        func rows(_ name: String, _ type: HDF5ElementType, rank: Int) throws -> HDF5Dataset {
            let dataset = try file.dataset(name)
            guard dataset.elementType == type, dataset.shape.count == rank, dataset.rowCount == count else {
                throw malformed("dataset '\(name)' holds \(dataset.elementType.rawValue) \(dataset.shape), "
                                + "expected \(type.rawValue) of rank \(rank) with \(count) rows")
            }
            return dataset
        }

        latents = try rows(Name.latents, .float32, rank: 4)
        switch (file.contains(Name.mean), file.contains(Name.logVariance)) {
        case (true, true):
            posterior = (try rows(Name.mean, .float32, rank: 4), try rows(Name.logVariance, .float32, rank: 4))
            guard posterior!.mean.shape == latents.shape, posterior!.logVariance.shape == latents.shape else {
                throw malformed("the posterior's shapes \(posterior!.mean.shape) and \(posterior!.logVariance.shape) "
                                + "differ from the latents' \(latents.shape)")
            }
        case (false, false) where firstStageKind != "autoencoder-kl":
            posterior = nil
        default:
            throw malformed("a cache of an \(firstStageKind) needs both datasets '\(Name.mean)' and "
                            + "'\(Name.logVariance)'" + (firstStageKind == "autoencoder-kl" ? "" : ", or neither"))
        }

        if file.contains(Name.labels) {
            let names = try file.dataset(Name.classNames).readStrings()
            let labels = try rows(Name.labels, .int64, rank: 1).readInt64s().map(Int.init)
            if let bad = labels.firstIndex(where: { !(-1..<names.count).contains($0) }) {
                throw malformed("label \(labels[bad]) of row \(bad) is not one of the \(names.count) classes (or −1)")
            }
            self.labels = labels
            self.classNames = names
        } else {
            self.labels = nil
            self.classNames = []
        }
        captions = file.contains(Name.captions) ? try rows(Name.captions, .string, rank: 1).readStrings() : nil

        scaleFactor = try file.doubleAttribute(LatentCacheLayout.Attribute.scaleFactor)
        guard scaleFactor.isFinite, scaleFactor > 0 else {
            throw malformed("scale_factor is \(scaleFactor), expected a positive number")
        }
    }
}
