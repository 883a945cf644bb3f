/// A dataset or loader that cannot be used as configured; each message names the file, folder or
/// value concerned and what was expected.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
    /// Files a dataset needs are not in `directory`; `remedy` says how to get them.
    case missingFiles(dataset: String, directory: String, files: [String], remedy: String)
    /// A file exists but its content is not what the dataset expects.
    case malformedFile(path: String, message: String)
    /// A folder holds no JPEG or PNG file at all.
    case noImages(folder: String)
    /// A folder has both class sub-folders and loose images, so it is unclear whether it is labelled.
    case mixedFolderLayout(folder: String, looseImage: String, classFolder: String)
    /// Every item of the dataset was tried and none could be read.
    case nothingReadable(dataset: String, count: Int)
    case unsupportedChannelCount(Int)
    case invalidParameter(name: String, value: Int, expected: String)
    /// A transform failed on one sample.
    case transformFailed(source: String, message: String)
    /// Two samples of one batch have different shapes.
    case mismatchedShapes(source: String, shape: [Int], firstSource: String, firstShape: [Int])
    /// A saved loader position that does not fit this loader's epoch.
    case invalidLoaderState(epoch: Int, batch: Int, batchesPerEpoch: Int)

    public var description: String {
        switch self {
        case let .missingFiles(dataset, directory, files, remedy):
            "\(dataset): \(directory) lacks \(listed(files)); \(remedy)"
        case let .malformedFile(path, message):
            "\(path): \(message)"
        case let .noImages(folder):
            "\(folder): no JPEG or PNG images found (looked for .jpg, .jpeg and .png files)"
        case let .mixedFolderLayout(folder, looseImage, classFolder):
            "\(folder): has both loose images (\(looseImage)) and class folders (\(classFolder)); "
                + "put every image in a class folder, or none"
        case let .nothingReadable(dataset, count):
            "\(dataset): none of its \(count) images could be read (see the warnings above)"
        case let .unsupportedChannelCount(count):
            "images must have 1 (grey) or 3 (RGB) channels, not \(count)"
        case let .invalidParameter(name, value, expected):
            "\(name) is \(value); expected \(expected)"
        case let .transformFailed(source, message):
            "\(source): \(message)"
        case let .mismatchedShapes(source, shape, firstSource, firstShape):
            "\(source) has shape \(shape) but \(firstSource) in the same batch has \(firstShape); "
                + "resize and crop the images to one size (e.g. resizeShorterSide then centerCrop)"
        case let .invalidLoaderState(epoch, batch, batchesPerEpoch):
            "saved loader position epoch \(epoch), batch \(batch) does not fit an epoch of "
                + "\(batchesPerEpoch) batches (was it saved with another dataset or batch size?)"
        }
    }
}

/// The names joined by commas, the first three and a count of the rest when there are more than four.
private func listed(_ names: [String]) -> String {
    names.count <= 4 ? names.joined(separator: ", ")
        : names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more"
}
