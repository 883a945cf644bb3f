import Datasets
import Foundation
import HDF5Store
import Models
import TensorCore

/// What a latent cache was made from: the first stage's weights and the dataset with its
/// transforms. A build continues a cache only with the same identity, and a trainer checks it
/// against the first stage it decodes with.
public struct LatentCacheIdentity: Equatable, Sendable {
    /// `weightsDigest` of the first stage's weights.
    public var firstStageSHA256: String
    /// `FirstStage.kindName`, e.g. "autoencoder-kl".
    public var firstStageKind: String
    /// `datasetFingerprint` of the dataset and transform.
    public var datasetFingerprint: String
    public var datasetName: String
    public var datasetCount: Int
    /// The caller's description of the transform settings, e.g. "pad 2".
    public var transform: String

    public init(firstStageSHA256: String, firstStageKind: String, datasetFingerprint: String,
                datasetName: String, datasetCount: Int, transform: String) {
        self.firstStageSHA256 = firstStageSHA256
        self.firstStageKind = firstStageKind
        self.datasetFingerprint = datasetFingerprint
        self.datasetName = datasetName
        self.datasetCount = datasetCount
        self.transform = transform
    }

    /// The identity of a cache of `dataset`, prepared as `transform` describes, encoded by `firstStage`.
    public init(firstStage: FirstStage, dataset: any ImageDataset, transform: String) {
        self.init(firstStageSHA256: Self.weightsDigest(firstStage.module.stateDict()),
                  firstStageKind: firstStage.kindName,
                  datasetFingerprint: Self.datasetFingerprint(dataset, transform: transform),
                  datasetName: dataset.name, datasetCount: dataset.count, transform: transform)
    }

    /// SHA-256 of the weights, not of a checkpoint file: the same weights match wherever they are
    /// saved (a step file, `last.safetensors`, a copy), and a checkpoint whose optimizer state or
    /// metadata changed but whose weights did not still matches. For each key in sorted order it
    /// hashes the line "key [d0,d1,…]\n", then the tensor's float32 values, little-endian.
    public static func weightsDigest(_ weights: [String: Tensor]) -> String {
        var hash = SHA256()
        for key in weights.keys.sorted() {
            let tensor = weights[key]!
            hash.update("\(key) [\(tensor.shape.map(String.init).joined(separator: ","))]\n")
            tensor.withUnsafeScalars { values in
                values.withMemoryRebound(to: UInt32.self) { words in
                    let littleEndian = words.map(\.littleEndian)
                    littleEndian.withUnsafeBytes { hash.update($0) }
                }
            }
        }
        return hash.hexDigest()
    }

    /// SHA-256 of what identifies the dataset without reading its pixels: the lines "name …",
    /// "count …", "channels …", "classes …" (tab-separated), "source …" for each sample when the
    /// dataset can name them (`SampleSourceListing`: the files of a folder or photo set), and
    /// "transform …".
    public static func datasetFingerprint(_ dataset: any ImageDataset, transform: String) -> String {
        var hash = SHA256()
        hash.update("name \(dataset.name)\ncount \(dataset.count)\nchannels \(dataset.channels)\n")
        hash.update("classes \(dataset.classNames.joined(separator: "\t"))\n")
        if let listing = dataset as? SampleSourceListing {
            for index in 0..<dataset.count { hash.update("source \(listing.sampleSource(at: index))\n") }
        }
        hash.update("transform \(transform)\n")
        return hash.hexDigest()
    }

    /// What differs from `other` (the identity of what the cache is used with), in words: (`what`
    /// is "first stage" or "dataset", the detail), or nil when they match.
    func difference(from other: LatentCacheIdentity) -> (what: String, detail: String)? {
        if firstStageKind != other.firstStageKind {
            return ("first stage", "made by an \(firstStageKind), not an \(other.firstStageKind)")
        }
        if firstStageSHA256 != other.firstStageSHA256 {
            return ("first stage", "made by weights with SHA-256 \(firstStageSHA256.prefix(12))…, "
                        + "these have \(other.firstStageSHA256.prefix(12))…")
        }
        if datasetName != other.datasetName || datasetCount != other.datasetCount {
            return ("dataset", "made from \(datasetName) (\(grouped(datasetCount)) images), "
                        + "not \(other.datasetName) (\(grouped(other.datasetCount)) images)")
        }
        if transform != other.transform {
            return ("dataset", "made with transform '\(transform)', not '\(other.transform)'")
        }
        if datasetFingerprint != other.datasetFingerprint {
            return ("dataset", "made from other files or classes of \(datasetName) (fingerprint "
                        + "\(datasetFingerprint.prefix(12))…, "
                        + "this dataset's \(other.datasetFingerprint.prefix(12))…)")
        }
        return nil
    }
}

extension LatentCacheIdentity {
    /// The identity stored in a cache file's attributes.
    init(attributesOf file: HDF5File) throws {
        typealias Name = LatentCacheLayout.Attribute
        self.init(firstStageSHA256: try file.stringAttribute(Name.firstStageSHA256),
                  firstStageKind: try file.stringAttribute(Name.firstStageKind),
                  datasetFingerprint: try file.stringAttribute(Name.datasetFingerprint),
                  datasetName: try file.stringAttribute(Name.datasetName),
                  datasetCount: try file.intAttribute(Name.datasetCount),
                  transform: try file.stringAttribute(Name.transform))
    }

    func write(to file: HDF5File) throws {
        typealias Name = LatentCacheLayout.Attribute
        try file.setAttribute(Name.firstStageSHA256, firstStageSHA256)
        try file.setAttribute(Name.firstStageKind, firstStageKind)
        try file.setAttribute(Name.datasetFingerprint, datasetFingerprint)
        try file.setAttribute(Name.datasetName, datasetName)
        try file.setAttribute(Name.datasetCount, datasetCount)
        try file.setAttribute(Name.transform, transform)
    }
}

/// A dataset that can name the source of each sample without reading it, so that its fingerprint
/// covers which files it holds.
public protocol SampleSourceListing {
    /// The file (or other source) sample `index` comes from.
    func sampleSource(at index: Int) -> String
}

extension ImageFolderDataset: SampleSourceListing {
    public func sampleSource(at index: Int) -> String { files[index] }
}

extension PhotoSet: SampleSourceListing {
    /// Sample i is a crop of photo i mod photos (see `PhotoSet`).
    public func sampleSource(at index: Int) -> String { files[index % files.count] }
}
