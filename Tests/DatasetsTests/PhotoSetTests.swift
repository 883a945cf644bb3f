import Datasets
import Foundation
import ImageIO
import TensorCore
import TestSupport
import XCTest

final class PhotoSetTests: XCTestCase {
    /// A colourful 300 × 200 gradient (shrunk to 192 × 128 for 64-pixel crops), a 50 × 40 grey image
    /// (enlarged to 80 × 64) and a held-out 100 × 80 RGBA image (kept as it is).
    private func makePhotoFolder() throws -> (folder: TemporaryFolder, photos: [String: Image]) {
        let folder = try TemporaryFolder()
        func pattern(_ width: Int, _ height: Int, _ channels: Int) -> Image {
            var pixels: [UInt8] = []
            for y in 0..<height {
                for x in 0..<width {
                    for c in 0..<channels { pixels.append(UInt8((x * 7 + y * 13 + c * 50 + (x * y) % 31) % 256)) }
                }
            }
            return Image(width: width, height: height, channels: channels, pixels: pixels)
        }
        let photos = ["big.png": pattern(300, 200, 3), "small.png": pattern(50, 40, 1), "mid.png": pattern(100, 80, 4)]
        for (name, image) in photos { try folder.writePNG(image, at: "photos/\(name)") }
        try folder.write("# test list\ntrain big.png\n\ntrain\tsmall.png\nheldout mid.png\n", at: "photos.txt")
        return (folder, photos)
    }

    private func photoSet(_ folder: TemporaryFolder, _ split: PhotoList.Split, cropSize: Int = 64,
                          cropping: PhotoSet.Cropping? = nil, flipProbability: Float? = nil) throws -> PhotoSet {
        try PhotoSet(split: split, cropSize: cropSize, cropping: cropping, flipProbability: flipProbability,
                     listFile: folder.url.appendingPathComponent("photos.txt"),
                     directory: folder.url.appendingPathComponent("photos"))
    }

    /// Whether `crop` is a region of `image`.
    private func isRegion(_ crop: Image, of image: Image) -> Bool {
        for y in 0...(image.height - crop.height) {
            for x in 0...(image.width - crop.width)
            where image.cropped(x: x, y: y, width: crop.width, height: crop.height) == crop {
                return true
            }
        }
        return false
    }

    func testTrainingSamplesAreRandomCropsOfThePhotosAtTheirWorkingSize() throws {
        let (folder, photos) = try makePhotoFolder()
        let train = try photoSet(folder, .train, flipProbability: 0)
        XCTAssertEqual(train.count, 32)  // 2 photos × 16 crops
        XCTAssertEqual(train.files.map { URL(fileURLWithPath: $0).lastPathComponent }, ["big.png", "small.png"])
        let working = [photos["big.png"]!.resized(shorterSide: 128), photos["small.png"]!.rgb().resized(shorterSide: 64)]
        XCTAssertEqual(working.map { [$0.width, $0.height] }, [[192, 128], [80, 64]])
        var generator = SeededGenerator(seed: 3)
        var crops = Set<[Float]>()
        for index in 0..<6 {
            let sample = try train.sample(at: index, generator: &generator)
            XCTAssertEqual(sample.image.shape, [3, 64, 64])
            XCTAssertTrue(isRegion(Image(tensor: sample.image), of: working[index % 2]), "sample \(index)")
            if index % 2 == 0 { crops.insert(sample.image.scalars) }
        }
        XCTAssertEqual(crops.count, 3)  // the big photo has 129 × 65 crop positions
    }

    func testHeldOutSamplesAreTheTilesOfTheHeldOutPhotos() throws {
        let (folder, photos) = try makePhotoFolder()
        let heldout = try photoSet(folder, .heldout)
        XCTAssertEqual(heldout.count, 1)
        var generator = SeededGenerator(seed: 0)
        let sample = try heldout.sample(at: 0, generator: &generator)
        XCTAssertEqual(Image(tensor: sample.image), photos["mid.png"]!.rgb().centerCropped(width: 64, height: 64))
        XCTAssertNil(sample.label)
    }

    /// Tiles: the big photo's working size 192 × 128 holds 3 × 2 crops of 64, the small one's 80 × 64 one,
    /// centred (offset 8 across).
    func testTilesCoverEachPhotoInAGrid() throws {
        let (folder, photos) = try makePhotoFolder()
        let tiled = try photoSet(folder, .train, cropping: .tiles, flipProbability: 0)
        XCTAssertEqual(tiled.count, 7)
        let big = photos["big.png"]!.resized(shorterSide: 128), small = photos["small.png"]!.rgb().resized(shorterSide: 64)
        var generator = SeededGenerator(seed: 0)
        let expected = [big.cropped(x: 0, y: 0, width: 64, height: 64), big.cropped(x: 128, y: 0, width: 64, height: 64),
                        big.cropped(x: 64, y: 64, width: 64, height: 64), small.cropped(x: 8, y: 0, width: 64, height: 64)]
        for (index, image) in zip([0, 2, 4, 6], expected) {
            XCTAssertEqual(Image(tensor: try tiled.sample(at: index, generator: &generator).image), image, "tile \(index)")
        }
        XCTAssertEqual(try tiled.sample(at: 6, generator: &generator).source, tiled.files[1])
    }

    func testResumedLoaderRepeatsTheRandomCrops() throws {
        let (folder, _) = try makePhotoFolder()
        let train = try photoSet(folder, .train, cropping: .random(cropsPerPhoto: 5))
        let original = try DataLoader(dataset: train, batchSize: 4, seed: 11)
        for _ in 0..<5 { _ = try original.next() }
        let saved = original.state
        let expected = try (0..<3).map { _ in try original.next().images.scalars }
        let resumed = try DataLoader(dataset: train, batchSize: 4, seed: 11, state: saved)
        XCTAssertEqual(try (0..<3).map { _ in try resumed.next().images.scalars }, expected)
    }

    func testMissingPhotosNameTheFilesAndThePackage() throws {
        let (folder, _) = try makePhotoFolder()
        try FileManager.default.removeItem(at: folder.url.appendingPathComponent("photos/small.png"))
        XCTAssertThrowsError(try photoSet(folder, .train)) { error in
            XCTAssertEqual("\(error)", "photos (\(folder.url.path)/photos.txt): \(folder.url.path)/photos lacks small.png; "
                           + "install the Debian package opencv-doc (sudo apt-get install opencv-doc, or make setup)")
        }
    }

    func testMissingFolderAndEmptySplitAreClearErrors() throws {
        let (folder, _) = try makePhotoFolder()
        try folder.write((1...6).map { "train p\($0).png" }.joined(separator: "\n"), at: "many.txt")
        let list = folder.url.appendingPathComponent("many.txt")
        XCTAssertThrowsError(try PhotoSet(split: .train, cropSize: 64, listFile: list, directory: folder.url)) { error in
            XCTAssertEqual("\(error)", "photos (\(list.path)): \(folder.url.path) lacks p1.png, p2.png, p3.png and 3 more; "
                           + "install the Debian package opencv-doc (sudo apt-get install opencv-doc, or make setup)")
        }
        XCTAssertThrowsError(try PhotoSet(split: .heldout, cropSize: 64, listFile: list, directory: folder.url)) { error in
            XCTAssertEqual("\(error)", "\(list.path): lists no heldout photos")
        }
    }

    func testUnreadablePhotoIsSkippedAndCounted() throws {
        let (folder, _) = try makePhotoFolder()
        try folder.write("not a photo", at: "photos/small.png")
        let train = try photoSet(folder, .train)
        XCTAssertEqual(train.count, 16)
        XCTAssertEqual(train.skippedFiles, [folder.url.appendingPathComponent("photos/small.png").path])
    }

    func testCropSizeOutsideTheRangeIsAnError() throws {
        let (folder, _) = try makePhotoFolder()
        XCTAssertThrowsError(try photoSet(folder, .train, cropSize: 32)) { error in
            XCTAssertEqual("\(error)", "crop size is 32; expected 64 to 256")
        }
    }

    func testMalformedListsAreClearErrors() {
        XCTAssertEqual(try PhotoList(parsing: "train a.jpg\nheldout b.png\n", name: "l").files(in: .heldout), ["b.png"])
        let cases = [("train a.jpg\nvalidation b.jpg", "l: line 2: expected \"train FILE\" or \"heldout FILE\", found \"validation b.jpg\""),
                     ("train a b", "l: line 1: expected \"train FILE\" or \"heldout FILE\", found \"train a b\""),
                     ("train a\nheldout a", "l: line 2: a is listed twice"),
                     ("# nothing\n", "l: lists no photos")]
        for (text, message) in cases {
            XCTAssertThrowsError(try PhotoList(parsing: text, name: "l")) { XCTAssertEqual("\($0)", message) }
        }
    }

    /// The committed list against the installed photos (always under CI, whose set-up installs opencv-doc).
    func testCommittedPhotoList() throws {
        let list = try PhotoList(contentsOf: Fixtures.repositoryFile("datasets/photos.txt"))
        XCTAssertEqual(list.files(in: .train).count, 19)
        XCTAssertEqual(list.files(in: .heldout).count, 5)
        let present = FileManager.default.fileExists(atPath: PhotoSet.defaultDirectory.appendingPathComponent("baboon.jpg").path)
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTAssertTrue(present, "CI: \(PhotoSet.defaultDirectory.path) must hold the opencv-doc photos")
        }
        try XCTSkipUnless(present, "opencv-doc is not installed (apt-get install opencv-doc)")
        let start = Date()
        for split in PhotoList.Split.allCases {
            let photos = try PhotoSet(split: split, cropSize: 256, listFile: Fixtures.repositoryFile("datasets/photos.txt"))
            XCTAssertEqual(photos.skippedFiles, [])
            XCTAssertEqual(photos.files.count, list.files(in: split).count)
            var generator = SeededGenerator(seed: 0)
            XCTAssertEqual(try photos.sample(at: photos.count - 1, generator: &generator).image.shape, [3, 256, 256])
        }
        print("photos: read both splits at crop 256 in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
    }
}

extension Fixtures {
    /// A file of the repository, found from the fixture folder.
    static func repositoryFile(_ path: String) -> URL {
        directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(path)
    }
}
