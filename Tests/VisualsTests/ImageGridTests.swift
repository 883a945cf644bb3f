import Foundation
import ImageIO
import TensorCore
import Visuals
import XCTest

final class ImageGridTests: XCTestCase {
    /// Five 4×3 grey images; image k's pixel (x, y) is (k·12 + y·3 + x) / 30 − 1, so every pixel differs.
    private let greyBatch = Tensor(shape: [5, 1, 4, 3], scalars: (0..<60).map { Float($0) / 30 - 1 })

    func testGreyBatchGivesAGreyPictureOfTheExpectedSize() throws {
        let grid = ImageGrid(columns: 3, padding: 2, scale: 2)
        let image = try grid.image(of: greyBatch)
        // 3 columns of 3·2 pixels and 2 rows of 4·2 pixels, with 2-pixel padding between and around.
        XCTAssertEqual([image.width, image.height, image.channels], [3 * 6 + 4 * 2, 2 * 8 + 3 * 2, 1])
    }

    func testEachTileIsItsImageEnlargedAndPlacedByRowAndColumn() throws {
        let image = try ImageGrid(columns: 3, padding: 2, scale: 2).image(of: greyBatch)
        for k in 0..<5 {
            let (left, top) = (2 + (k % 3) * 8, 2 + (k / 3) * 10)
            for y in 0..<8 {
                for x in 0..<6 {
                    let value = Float(k * 12 + (y / 2) * 3 + x / 2) / 30 - 1
                    let expected = UInt8(((value + 1) * 127.5).rounded())
                    XCTAssertEqual(image[left + x, top + y], [expected], "image \(k) pixel (\(x), \(y))")
                }
            }
        }
    }

    func testPaddingAndTheEmptyCellsOfTheLastRowHaveThePaddingLevel() throws {
        let image = try ImageGrid(columns: 3, padding: 2, scale: 1, paddingLevel: 7).image(of: greyBatch)
        XCTAssertEqual([image.width, image.height], [3 * 3 + 4 * 2, 2 * 4 + 3 * 2])
        for (x, y) in [(0, 0), (1, 5), (5, 3), (6, 13), (16, 0), (12, 8), (15, 11)] {
            XCTAssertEqual(image[x, y], [7], "(\(x), \(y))")  // (12…14, 8…11) is the empty sixth cell
        }
    }

    func testRGBKeepsChannelOrderAndClipsOutOfRangeAndNaN() throws {
        // One 1×2 RGB image: pixel 0 is (−1, 0, 1), pixel 1 is (5, −7, NaN).
        let batch = Tensor(shape: [1, 3, 1, 2], scalars: [-1, 5, 0, -7, 1, .nan])
        let image = try ImageGrid(columns: 1, padding: 0).image(of: batch)
        XCTAssertEqual(image.channels, 3)
        XCTAssertEqual(Array(image[0, 0]), [0, 128, 255])
        XCTAssertEqual(Array(image[1, 0]), [255, 0, 0])
    }

    func testRowPairsPutReconstructionsUnderTheirOriginalsWithAWiderGapBetweenPairs() throws {
        let originals = Tensor(repeating: -1, shape: [3, 1, 2, 2])
        let reconstructions = Tensor(repeating: 1, shape: [3, 1, 2, 2])
        let image = try ImageGrid(columns: 2, padding: 1, paddingLevel: 100)
            .comparison(originals: originals, reconstructions: reconstructions, layout: .rowPairs)
        // Rows: originals 0–1, reconstructions 0–1, (gap of 1 + 2), originals 2, reconstructions 2.
        XCTAssertEqual([image.width, image.height], [2 * 2 + 3, 4 * 2 + 5 + 2])
        XCTAssertEqual(columnOfPixels(image, x: 1), [100, 0, 0, 100, 255, 255, 100, 100, 100, 0, 0, 100, 255, 255, 100])
        XCTAssertEqual(columnOfPixels(image, x: 4), [100, 0, 0, 100, 255, 255, 100, 100, 100, 100, 100, 100, 100, 100, 100])
    }

    func testInterleavedPutsEachReconstructionRightOfItsOriginal() throws {
        let originals = Tensor(repeating: -1, shape: [3, 1, 1, 1])
        let reconstructions = Tensor(repeating: 1, shape: [3, 1, 1, 1])
        let image = try ImageGrid(columns: 2, padding: 1, paddingLevel: 100)
            .comparison(originals: originals, reconstructions: reconstructions, layout: .interleaved)
        XCTAssertEqual([image.width, image.height], [4 + 5 + 2, 2 + 3])
        XCTAssertEqual(Array(image.pixels[image.width..<2 * image.width]), [100, 0, 100, 255, 100, 100, 100, 0, 100, 255, 100])
        XCTAssertEqual(Array(image.pixels[3 * image.width..<4 * image.width]), [100, 0, 100, 255] + [UInt8](repeating: 100, count: 7))
    }

    func testWrittenFileDecodesToTheSameImage() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("grid-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        let grid = ImageGrid(columns: 2, scale: 3)
        try grid.write(greyBatch, to: url)
        XCTAssertEqual(try Image(contentsOf: url), try grid.image(of: greyBatch))
    }

    func testBadBatchesAndSettingsAreNamed() {
        let grid = ImageGrid()
        assertThrows(.notAnImageBatch(name: "images", shape: [4, 4]),
                     "images: shape [4, 4] is not a non-empty image batch [N, C, H, W] with 1 or 3 channels") {
            try grid.image(of: .zeros([4, 4]))
        }
        assertThrows(.notAnImageBatch(name: "images", shape: [2, 2, 4, 4]), nil) { try grid.image(of: .zeros([2, 2, 4, 4])) }
        assertThrows(.notAnImageBatch(name: "images", shape: [0, 1, 4, 4]), nil) { try grid.image(of: .zeros([0, 1, 4, 4])) }
        assertThrows(.notAnImageBatch(name: "reconstructions", shape: [2, 4, 4, 4]), nil) {
            try grid.comparison(originals: .zeros([2, 1, 4, 4]), reconstructions: .zeros([2, 4, 4, 4]))
        }
        assertThrows(.shapeMismatch(originals: [2, 1, 4, 4], reconstructions: [3, 1, 4, 4]),
                     "originals have shape [2, 1, 4, 4] but reconstructions have shape [3, 1, 4, 4]") {
            try grid.comparison(originals: .zeros([2, 1, 4, 4]), reconstructions: .zeros([3, 1, 4, 4]))
        }
        assertThrows(.invalidSetting(name: "columns", value: 0, expected: "at least 1"),
                     "image grid: columns is 0, expected at least 1") {
            try ImageGrid(columns: 0).image(of: self.greyBatch)
        }
        assertThrows(.invalidSetting(name: "padding", value: -1, expected: "0 or more"), nil) {
            try ImageGrid(padding: -1).image(of: self.greyBatch)
        }
        assertThrows(.invalidSetting(name: "scale", value: 0, expected: "from 1 to 64"), nil) {
            try ImageGrid(scale: 0).image(of: self.greyBatch)
        }
    }

    private func columnOfPixels(_ image: Image, x: Int) -> [UInt8] {
        (0..<image.height).map { image[x, $0].first! }
    }

    private func assertThrows(_ expected: GridError, _ message: String?, _ body: () throws -> Image,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? GridError, expected, file: file, line: line)
            if let message { XCTAssertEqual("\(error)", message, file: file, line: line) }
        }
    }
}
