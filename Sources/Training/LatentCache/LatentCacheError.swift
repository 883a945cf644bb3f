import HDF5Store

/// A latent cache file that cannot be used as asked; each message names the file and what differs
/// or is missing.
public enum LatentCacheError: Error, Equatable, CustomStringConvertible {
    /// An HDF5 file that is not a swift-ldm latent cache (no or another `format`).
    case notACache(file: String, reason: String)
    /// A cache whose writing stopped before every sample was encoded.
    case incomplete(file: String, count: Int, total: Int)
    /// A cache whose datasets or attributes do not fit together.
    case malformed(file: String, detail: String)
    /// A cache made from another first stage or dataset than the one it is used with; `what` is
    /// "first stage" or "dataset".
    case identityMismatch(file: String, what: String, detail: String)
    /// An existing file that a build would have to replace to go on.
    case refusingToReplace(file: String, reason: String)
    /// Posterior samples asked of a cache without a posterior (a VQ first stage's).
    case noPosterior(file: String, firstStageKind: String)
    /// All cached latents are equal, so 1/std is not a usable scale factor.
    case degenerateLatents(file: String, standardDeviation: Double)

    public var description: String {
        switch self {
        case let .notACache(file, reason):
            "\(file): not a swift-ldm latent cache (\(reason))"
        case let .incomplete(file, count, total):
            "\(file): incomplete (\(grouped(count)) of \(grouped(total)) latents); run `train-ldm cache` to finish it"
        case let .malformed(file, detail):
            "\(file): damaged latent cache: \(detail)"
        case let .identityMismatch(file, what, detail):
            "\(file): latent cache of another \(what): \(detail); rebuild the cache for this \(what)"
        case let .refusingToReplace(file, reason):
            "\(file): \(reason); it is replaced only when rebuilding"
        case let .noPosterior(file, kind):
            "\(file): a cache of an \(kind) first stage has no posterior to sample; use its latents"
        case let .degenerateLatents(file, deviation):
            "\(file): every cached latent value is the same (standard deviation \(deviation)); "
                + "the first stage has collapsed, so no scale factor can be computed"
        }
    }
}

/// `value` with thousands separators: 60000 → "60,000".
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (offset, digit) in digits.enumerated() {
        if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return value < 0 ? "-" + result : result
}

extension HDF5Error {
    /// The description without the file's name in front, for messages that name the file already.
    var problemDescription: String {
        let text = description
        return text.hasPrefix("\(file): ") ? String(text.dropFirst(file.count + 2)) : text
    }
}
