import Datasets
import ImageIO
import TensorCore
import XCTest

final class TransformTests: XCTestCase {
    /// A 4 × 3 RGB image whose pixel (x, y) holds (10x + y, 100 + x, 200 + y).
    private let card: Image = {
        var pixels: [UInt8] = []
        for y in 0..<3 {
            for x in 0..<4 { pixels += [UInt8(10 * x + y), UInt8(100 + x), UInt8(200 + y)] }
        }
        return Image(width: 4, height: 3, channels: 3, pixels: pixels)
    }()

    func testCropTakesTheNamedRegion() {
        let crop = card.cropped(x: 1, y: 1, width: 2, height: 2)
        XCTAssertEqual(crop.pixels, [11, 101, 201, 21, 102, 201, 12, 101, 202, 22, 102, 202])
    }

    func testCenterCropLeavesAnOddMarginsExtraPixelRightAndBelow() {
        XCTAssertEqual(card.centerCropped(width: 1, height: 2), card.cropped(x: 1, y: 0, width: 1, height: 2))
        XCTAssertEqual(card.centerCropped(width: 2, height: 1), card.cropped(x: 1, y: 1, width: 2, height: 1))
    }

    func testRandomCropReachesEveryOffsetAndRepeatsWithTheSameSeed() {
        var generator = SeededGenerator(seed: 5)
        var offsets = Set<[UInt8]>()
        for _ in 0..<200 {
            let crop = card.randomlyCropped(width: 2, height: 2, using: &generator)
            offsets.insert([crop[0, 0][0]])  // 10x + y of the top-left pixel identifies the offset
        }
        XCTAssertEqual(offsets, [[0], [1], [10], [11], [20], [21]])
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        XCTAssertEqual(card.randomlyCropped(width: 3, height: 2, using: &a),
                       card.randomlyCropped(width: 3, height: 2, using: &b))
    }

    func testHorizontalFlipMirrorsColumns() {
        let flipped = card.flippedHorizontally()
        for y in 0..<3 {
            for x in 0..<4 { XCTAssertEqual(flipped[x, y], card[3 - x, y]) }
        }
    }

    func testFlipProbabilityZeroOneAndHalf() throws {
        var generator = SeededGenerator(seed: 1)
        XCTAssertEqual(try ImageTransform.horizontalFlip(probability: 0).apply(to: card, using: &generator), card)
        XCTAssertEqual(try ImageTransform.horizontalFlip(probability: 1).apply(to: card, using: &generator),
                       card.flippedHorizontally())
        var flips = 0
        for _ in 0..<2000 where try ImageTransform.horizontalFlip(probability: 0.5)
            .apply(to: card, using: &generator) != card {
            flips += 1
        }
        XCTAssertEqual(Double(flips) / 2000, 0.5, accuracy: 0.035)  // 3 standard deviations of a fair coin
    }

    func testPadSurroundsTheImageWithTheValue() {
        let grey = Image(width: 2, height: 1, channels: 1, pixels: [7, 8])
        XCTAssertEqual(grey.padded(top: 1, left: 2, bottom: 0, right: 1, value: 3).pixels,
                       [3, 3, 3, 3, 3,
                        3, 3, 7, 8, 3])
    }

    func testTensorIsChannelsFirstInMinusOneToOne() {
        let image = Image(width: 2, height: 1, channels: 3, pixels: [0, 255, 51, 127, 128, 255])
        let tensor = Tensor(image: image)
        XCTAssertEqual(tensor.shape, [3, 1, 2])
        // Channel planes: red (0, 127), green (255, 128), blue (51, 255); v / 127.5 − 1.
        let expected: [Float] = [-1, 127 / 127.5 - 1, 1, 128 / 127.5 - 1, 51 / 127.5 - 1, 1]
        for (a, e) in zip(tensor.scalars, expected) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        XCTAssertEqual(Image(tensor: tensor), image)
    }

    func testImageFromTensorClampsAndRounds() {
        let tensor = Tensor(shape: [1, 1, 4], scalars: [-3, 2, 0, 0.5])
        XCTAssertEqual(Image(tensor: tensor).pixels, [0, 255, 128, 191])  // 127.5 → 128, 191.25 → 191
    }

    func testTransformsApplyInOrder() throws {
        var generator = SeededGenerator(seed: 3)
        let steps: [ImageTransform] = [.pad(1, value: 0), .centerCrop(width: 4, height: 3), .horizontalFlip(probability: 1)]
        XCTAssertEqual(try steps.apply(to: card, using: &generator),
                       card.padded(top: 1, left: 1, bottom: 1, right: 1, value: 0)
                           .centerCropped(width: 4, height: 3).flippedHorizontally())
        let resize: [ImageTransform] = [.resizeShorterSide(6), .resize(width: 5, height: 5)]
        let resized = try resize.apply(to: card, using: &generator)
        XCTAssertEqual([resized.width, resized.height], [5, 5])
    }

    func testCropLargerThanTheImageIsAClearError() {
        var generator = SeededGenerator(seed: 3)
        XCTAssertThrowsError(try ImageTransform.randomCrop(width: 5, height: 2).apply(to: card, using: &generator)) {
            XCTAssertEqual("\($0)", "the 4×3 image is smaller than the 5×2 crop; resize it first (e.g. resizeShorterSide(5))")
        }
    }
}
