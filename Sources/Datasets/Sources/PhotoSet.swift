import Foundation
import ImageIO
import TensorCore

/// Square crops of the real photographs of Debian's `opencv-doc` examples (baboon, fruits, leuven, …),
/// one split of the fixed list in `datasets/photos.txt`, for training and evaluating a photo autoencoder.
///
/// Each photo is decoded once, as RGB, and brought to a working size that suits the crop: a photo
/// whose shorter side is more than twice the crop is shrunk (area filter) to a shorter side of
/// 2 × crop, so that a crop shows a sizeable part of the scene rather than a patch of texture; one
/// whose shorter side is below the crop is enlarged (bicubic) to the crop. Samples are then random
/// crops (`cropsPerPhoto` per photo and epoch; sample i uses photo i mod photos), mirrored with
/// probability `flipProbability`, the central crop of each photo, or every tile of each photo.
public struct PhotoSet: ImageDataset {
    public enum Cropping: Equatable, Sendable {
        case random(cropsPerPhoto: Int)
        case center
        /// The grid of non-overlapping crops that fits each photo at its working size, centred on it,
        /// photo by photo, row by row: many measured regions from few photos (the held-out default).
        case tiles
    }

    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/doc/opencv-doc/examples/data")
    /// The committed list, relative to the working directory (the repository root).
    public static let defaultListFile = URL(fileURLWithPath: "datasets/photos.txt")
    public static let cropSizes = 64...256

    public let split: PhotoList.Split
    public let cropSize: Int
    public let cropping: Cropping
    public let flipProbability: Float
    /// The paths of the photos in use, in the list's order.
    public let files: [String]
    private let photos: [Image]
    /// With `.tiles`: each sample's photo and the top-left corner of its crop.
    private let tiles: [(photo: Int, x: Int, y: Int)]
    private let skipped: SkippedFiles

    public var name: String { "photos \(split.rawValue)" }
    public var channels: Int { 3 }
    public var classNames: [String] { [] }
    public var skippedFiles: [String] { skipped.all }
    public var count: Int {
        switch cropping {
        case .random(let cropsPerPhoto): photos.count * cropsPerPhoto
        case .center: photos.count
        case .tiles: tiles.count
        }
    }

    /// Reads and prepares the photos of `split`. By default the training split is cropped at
    /// random (16 crops per photo and epoch, mirrored half the time) and the held-out split in tiles.
    public init(split: PhotoList.Split, cropSize: Int, cropping: Cropping? = nil, flipProbability: Float? = nil,
                listFile: URL = defaultListFile, directory: URL = defaultDirectory) throws {
        guard Self.cropSizes.contains(cropSize) else {
            throw DatasetError.invalidParameter(name: "crop size", value: cropSize, expected: "64 to 256")
        }
        let cropping = cropping ?? (split == .train ? .random(cropsPerPhoto: 16) : .tiles)
        if case .random(let cropsPerPhoto) = cropping, cropsPerPhoto < 1 {
            throw DatasetError.invalidParameter(name: "crops per photo", value: cropsPerPhoto, expected: "at least 1")
        }
        let names = try PhotoList(contentsOf: listFile).files(in: split)
        guard !names.isEmpty else {
            throw DatasetError.malformedFile(path: listFile.path, message: "lists no \(split.rawValue) photos")
        }
        let paths = names.map { directory.appendingPathComponent($0).path }
        let missing = names.filter { !FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
        guard missing.isEmpty else {
            throw DatasetError.missingFiles(dataset: "photos (\(listFile.path))", directory: directory.path,
                                            files: missing, remedy: "install the Debian package opencv-doc "
                                                + "(sudo apt-get install opencv-doc, or make setup)")
        }
        let skipped = SkippedFiles()
        let prepared = Self.prepare(paths, cropSize: cropSize, skipped: skipped)
        guard !prepared.isEmpty else { throw DatasetError.nothingReadable(dataset: listFile.path, count: paths.count) }
        self.split = split
        self.cropSize = cropSize
        self.cropping = cropping
        self.flipProbability = flipProbability ?? (split == .train ? 0.5 : 0)
        self.files = prepared.map(\.path)
        self.photos = prepared.map(\.image)
        self.tiles = cropping == .tiles ? Self.tileCorners(prepared.map(\.image), cropSize: cropSize) : []
        self.skipped = skipped
    }

    public func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
        precondition((0..<count).contains(index), "\(name): index \(index) outside 0..<\(count)")
        var photo = index % photos.count
        var image: Image
        switch cropping {
        case .random: image = photos[photo].randomlyCropped(width: cropSize, height: cropSize, using: &generator)
        case .center: image = photos[photo].centerCropped(width: cropSize, height: cropSize)
        case .tiles:
            let tile = tiles[index]
            photo = tile.photo
            image = photos[photo].cropped(x: tile.x, y: tile.y, width: cropSize, height: cropSize)
        }
        if generator.nextUniform() < flipProbability { image = image.flippedHorizontally() }
        return Sample(image: Tensor(image: image), source: files[photo])
    }

    /// The photos decoded as RGB at their working size (both cores share the decoding); unreadable
    /// ones are recorded in `skipped` and left out.
    private static func prepare(_ paths: [String], cropSize: Int,
                                skipped: SkippedFiles) -> [(path: String, image: Image)] {
        var results = [Result<Image, Error>?](repeating: nil, count: paths.count)
        results.withUnsafeMutableBufferPointer { slots in
            parallelFor(paths.count) { i in
                slots[i] = Result {
                    workingSize(try Image(contentsOf: URL(fileURLWithPath: paths[i])).rgb(), cropSize: cropSize)
                }
            }
        }
        return zip(paths, results).compactMap { path, result in
            switch result! {
            case .success(let image): return (path, image)
            case .failure(let error): skipped.record(path, message: "\(error)"); return nil
            }
        }
    }

    /// Every photo's grid of non-overlapping crop corners, the grid centred on the photo.
    static func tileCorners(_ photos: [Image], cropSize: Int) -> [(photo: Int, x: Int, y: Int)] {
        var corners: [(photo: Int, x: Int, y: Int)] = []
        for (index, photo) in photos.enumerated() {
            let columns = photo.width / cropSize, rows = photo.height / cropSize
            let left = (photo.width - columns * cropSize) / 2, top = (photo.height - rows * cropSize) / 2
            for row in 0..<rows {
                for column in 0..<columns { corners.append((index, left + column * cropSize, top + row * cropSize)) }
            }
        }
        return corners
    }

    /// `image` shrunk to a shorter side of 2 × crop when larger than that, or enlarged to the crop when smaller.
    static func workingSize(_ image: Image, cropSize: Int) -> Image {
        let shorter = min(image.width, image.height)
        if shorter > 2 * cropSize { return image.resized(shorterSide: 2 * cropSize) }
        if shorter < cropSize { return image.resized(shorterSide: cropSize) }
        return image
    }
}
