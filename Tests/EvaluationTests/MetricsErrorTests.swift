import Evaluation
import TensorCore
import XCTest

/// Each kind of bad input to the metrics throws an error that says what is wrong.
final class MetricsErrorTests: XCTestCase {
    private let batch = Tensor.zeros([2, 1, 16, 16])

    func testABatchThatIsNotNCHWIsNamed() {
        assertThrows(.notAnImageBatch(name: "reconstructions", shape: [2, 16, 16]),
                     "reconstructions: shape [2, 16, 16] is not an image batch [N, C, H, W] with C, H and W positive") {
            try ImageMetrics.scores(originals: self.batch, reconstructions: .zeros([2, 16, 16]))
        }
        assertThrows(.notAnImageBatch(name: "originals", shape: [2, 0, 16, 16]),
                     "originals: shape [2, 0, 16, 16] is not an image batch [N, C, H, W] with C, H and W positive") {
            try ImageMetrics.scores(originals: .zeros([2, 0, 16, 16]), reconstructions: self.batch)
        }
    }

    func testDifferentShapesShowBoth() {
        assertThrows(.shapeMismatch(originals: [2, 1, 16, 16], reconstructions: [2, 3, 16, 16]),
                     "originals have shape [2, 1, 16, 16] but reconstructions have shape [2, 3, 16, 16]") {
            try ImageMetrics.pixelScores(originals: self.batch, reconstructions: .zeros([2, 3, 16, 16]))
        }
    }

    func testACropReachingOutsideTheImageIsRejected() {
        let crop = CropRegion(top: 2, left: 2, height: 15, width: 14)
        assertThrows(.cropOutsideImage(crop, imageHeight: 16, imageWidth: 16),
                     "crop 15×14 at (2, 2) does not fit inside 16×16 images") {
            try ImageMetrics.scores(originals: self.batch, reconstructions: self.batch, crop: crop)
        }
        let empty = CropRegion(top: 0, left: 0, height: 0, width: 4)
        assertThrows(.cropOutsideImage(empty, imageHeight: 16, imageWidth: 16),
                     "crop 0×4 at (0, 0) does not fit inside 16×16 images") {
            try ImageMetrics.pixelScores(originals: self.batch, reconstructions: self.batch, crop: empty)
        }
    }

    func testSSIMNeedsElevenByElevenPixelsButPixelScoresDoNot() throws {
        let small = Tensor.zeros([1, 1, 10, 28])
        assertThrows(.tooSmallForSSIM(height: 10, width: 28, window: 11),
                     "SSIM needs at least 11×11 pixels (its Gaussian window), the region measured is 10×28") {
            try ImageMetrics.scores(originals: small, reconstructions: small)
        }
        XCTAssertEqual(try ImageMetrics.pixelScores(originals: small, reconstructions: small).mse, [0])
    }

    func testNaNOrInfinityNamesTheBatchAndImage() {
        var scalars = [Float](repeating: 0, count: 2 * 16 * 16)
        scalars[16 * 16 + 5] = .nan
        let broken = Tensor(shape: [2, 1, 16, 16], scalars: scalars)
        assertThrows(.nonFinite(name: "reconstructions", image: 1), "reconstructions: image 1 contains NaN or infinity") {
            try ImageMetrics.scores(originals: self.batch, reconstructions: broken)
        }
        scalars[16 * 16 + 5] = 0
        scalars[3] = -.infinity
        assertThrows(.nonFinite(name: "originals", image: 0), "originals: image 0 contains NaN or infinity") {
            try ImageMetrics.pixelScores(originals: Tensor(shape: [2, 1, 16, 16], scalars: scalars),
                                         reconstructions: self.batch)
        }
    }

    private func assertThrows(_ expected: MetricsError, _ message: String, _ body: @escaping () throws -> Any,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? MetricsError, expected, file: file, line: line)
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }
}
