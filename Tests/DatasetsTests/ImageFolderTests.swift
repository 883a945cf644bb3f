import Datasets
import Foundation
import ImageIO
import TensorCore
import TestSupport
import XCTest

final class ImageFolderTests: XCTestCase {
    private let classes = Fixtures.url("datasets/classes")
    private let captioned = Fixtures.url("datasets/captioned")

    private func samples(_ dataset: ImageFolderDataset) throws -> [String: Sample] {
        var generator = SeededGenerator(seed: 0)
        var result: [String: Sample] = [:]
        for (index, file) in dataset.files.enumerated() {
            result[file] = try? dataset.sample(at: index, generator: &generator)
        }
        return result
    }

    func testClassFoldersGiveSortedLabelsAndHiddenFoldersAreIgnored() throws {
        let dataset = try ImageFolderDataset(folder: classes)
        XCTAssertEqual(dataset.classNames, ["cat", "dog"])
        XCTAssertEqual(dataset.files, ["cat/a_rgb.png", "cat/b_photo.jpg", "dog/c_palette.png",
                                       "dog/d_rgba.png", "dog/e_grey.png", "dog/f_broken.png"])
        let read = try samples(dataset)
        XCTAssertEqual(read["cat/b_photo.jpg"]?.label, 0)
        XCTAssertEqual(read["dog/e_grey.png"]?.label, 1)
        XCTAssertEqual(read["cat/a_rgb.png"]?.source, classes.appendingPathComponent("cat/a_rgb.png").path)
    }

    func testEveryKindOfPNGBecomesRGBOrGreyWithAlphaOnWhite() throws {
        let expected = try Fixtures.load("datasets")
        for (channels, suffix) in [(3, "rgb"), (1, "grey")] {
            let read = try samples(try ImageFolderDataset(folder: classes, channels: channels))
            for file in ["cat/a_rgb.png", "dog/c_palette.png", "dog/d_rgba.png", "dog/e_grey.png"] {
                let key = file.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ".png", with: "")
                let sample = try XCTUnwrap(read[file], file)
                assertClose(sample.image, try expected.tensor("\(key)_\(suffix)"), atol: 1e-6, file)
            }
            XCTAssertEqual(read["cat/b_photo.jpg"]?.image.shape, [channels, 4, 4])
        }
    }

    func testCorruptImageIsSkippedNamedAndCounted() throws {
        let dataset = try ImageFolderDataset(folder: classes)
        XCTAssertEqual(dataset.skippedFiles, [])
        var generator = SeededGenerator(seed: 0)
        let broken = classes.appendingPathComponent("dog/f_broken.png").path
        for _ in 0..<2 {  // recorded once, however often it is read
            XCTAssertThrowsError(try dataset.sample(at: 5, generator: &generator)) { error in
                XCTAssertEqual((error as? UnreadableSample)?.source, broken)
            }
        }
        XCTAssertEqual(dataset.skippedFiles, [broken])

        // The loader replaces it by the next readable index (wrapping to 0) and counts it.
        let sameSize = try ImageFolderDataset(folder: classes, transforms: [.resize(width: 4, height: 4)])
        let loader = try DataLoader(dataset: sameSize, batchSize: 6, shuffle: false, seed: 0, prefetch: false)
        let batch = try loader.next()
        XCTAssertEqual(batch.sources.last, classes.appendingPathComponent("cat/a_rgb.png").path)
        XCTAssertEqual(batch.replacedSamples, 1)
        XCTAssertEqual(loader.replacedSampleCount, 1)
    }

    func testImagesOfDifferentSizesInABatchAreAClearError() throws {
        let loader = try DataLoader(dataset: try ImageFolderDataset(folder: classes), batchSize: 2, shuffle: false,
                                    seed: 0, prefetch: false)
        XCTAssertThrowsError(try loader.next()) { error in
            XCTAssertEqual("\(error)", "\(classes.path)/cat/b_photo.jpg has shape [3, 4, 4] but \(classes.path)/cat/a_rgb.png "
                           + "in the same batch has [3, 5, 6]; resize and crop the images to one size "
                           + "(e.g. resizeShorterSide then centerCrop)")
        }
    }

    func testCaptionsFromMetadataThenTextFilesAndNonImagesSkipped() throws {
        let dataset = try ImageFolderDataset(folder: captioned)
        XCTAssertEqual(dataset.classNames, [])
        XCTAssertEqual(dataset.files, ["four.png", "one.png", "three.png", "two.png"])
        XCTAssertEqual(dataset.skippedFiles, [captioned.appendingPathComponent("fake.png").path])
        let read = try samples(dataset)
        XCTAssertEqual(read.mapValues(\.caption), ["one.png": "a red square", "two.png": "a dog on a sofa",
                                                   "three.png": "a caption beside the image", "four.png": nil])
        XCTAssertNil(read["one.png"]?.label)

        let loader = try DataLoader(dataset: dataset, batchSize: 4, shuffle: false, seed: 0, prefetch: false)
        let batch = try loader.next()
        XCTAssertNil(batch.labels)
        XCTAssertEqual(batch.captions, ["", "a red square", "a caption beside the image", "a dog on a sofa"])
    }

    func testMetadataInAClassFolderIsRelativeToIt() throws {
        let folder = try TemporaryFolder()
        try folder.writePNG(plainImage(value: 1), at: "birds/owl.png")
        try folder.writePNG(plainImage(value: 2), at: "fish/cod.png")
        try folder.write(#"{"file_name": "owl.png", "text": "an owl"}"# + "\n", at: "birds/metadata.jsonl")
        var generator = SeededGenerator(seed: 0)
        let dataset = try ImageFolderDataset(folder: folder.url, channels: 1)
        XCTAssertEqual(try dataset.sample(at: 0, generator: &generator).caption, "an owl")
        XCTAssertNil(try dataset.sample(at: 1, generator: &generator).caption)
    }

    /// One-character folder names (Foundation's deletingLastPathComponent traps on them on Linux).
    func testOneCharacterClassFoldersAndFileNames() throws {
        let folder = try TemporaryFolder()
        try folder.writePNG(plainImage(value: 1), at: "a/x.png")
        try folder.writePNG(plainImage(value: 2), at: "b/y.png")
        try folder.write("a y", at: "b/y.txt")
        var generator = SeededGenerator(seed: 0)
        let dataset = try ImageFolderDataset(folder: folder.url, channels: 1)
        XCTAssertEqual(dataset.classNames, ["a", "b"])
        XCTAssertEqual(try dataset.sample(at: 1, generator: &generator).caption, "a y")
    }

    func testBadMetadataLinesAreClearErrors() throws {
        let cases = [
            ("not json\n", "line 1: not a JSON object"),
            ("\n" + #"{"text": "no name"}"#, "line 2: no \"file_name\" string"),
            (#"{"file_name": "a.png", "caption": "x"}"#, "line 1: no \"text\" string for a.png"),
            (#"{"file_name": "gone.png", "text": "x"}"#, "line 1: gone.png is not a JPEG or PNG file of the dataset"),
        ]
        for (content, message) in cases {
            let folder = try TemporaryFolder()
            try folder.writePNG(plainImage(value: 1), at: "a.png")
            try folder.write(content, at: "metadata.jsonl")
            XCTAssertThrowsError(try ImageFolderDataset(folder: folder.url)) { error in
                XCTAssertEqual("\(error)", "\(folder.url.path)/metadata.jsonl: \(message)")
            }
        }
    }

    func testEmptyFolderIsAnError() throws {
        let folder = try TemporaryFolder()
        try folder.write("not an image", at: "readme.md")
        XCTAssertThrowsError(try ImageFolderDataset(folder: folder.url)) { error in
            XCTAssertEqual("\(error)", "\(folder.url.path): no JPEG or PNG images found "
                           + "(looked for .jpg, .jpeg and .png files)")
        }
    }

    func testFolderOfUnreadableFilesIsAnError() throws {
        let folder = try TemporaryFolder()
        try folder.write("text", at: "a.png")
        try folder.write("more text", at: "b.jpg")
        XCTAssertThrowsError(try ImageFolderDataset(folder: folder.url)) { error in
            XCTAssertEqual("\(error)", "\(folder.url.path): none of its 2 images could be read (see the warnings above)")
        }
        // Files that pass the signature check but do not decode are found by the loader.
        let truncated = try TemporaryFolder()
        let png = try plainImage(value: 9).pngData()
        try png.prefix(png.count / 2).write(to: truncated.url.appendingPathComponent("cut.png"))
        let loader = try DataLoader(dataset: try ImageFolderDataset(folder: truncated.url), batchSize: 1, seed: 0)
        XCTAssertThrowsError(try loader.next()) { error in
            XCTAssertEqual("\(error)", "\(truncated.url.path): none of its 1 images could be read (see the warnings above)")
        }
    }

    func testLooseImagesBesideClassFoldersAreAnError() throws {
        let folder = try TemporaryFolder()
        try folder.writePNG(plainImage(value: 1), at: "loose.png")
        try folder.writePNG(plainImage(value: 2), at: "class/inside.png")
        XCTAssertThrowsError(try ImageFolderDataset(folder: folder.url)) { error in
            XCTAssertEqual("\(error)", "\(folder.url.path): has both loose images (loose.png) and class folders "
                           + "(class); put every image in a class folder, or none")
        }
    }

    func testUnsupportedChannelCountIsAnError() {
        XCTAssertThrowsError(try ImageFolderDataset(folder: classes, channels: 4)) { error in
            XCTAssertEqual("\(error)", "images must have 1 (grey) or 3 (RGB) channels, not 4")
        }
    }

    func testTransformErrorNamesTheFile() throws {
        let dataset = try ImageFolderDataset(folder: classes, transforms: [.centerCrop(width: 8, height: 8)])
        var generator = SeededGenerator(seed: 0)
        XCTAssertThrowsError(try dataset.sample(at: 0, generator: &generator)) { error in
            XCTAssertEqual("\(error)", "\(classes.appendingPathComponent("cat/a_rgb.png").path): the 6×5 image is "
                           + "smaller than the 8×8 crop; resize it first (e.g. resizeShorterSide(8))")
        }
    }
}
