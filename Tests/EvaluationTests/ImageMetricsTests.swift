import Evaluation
import TensorCore
import TestSupport
import XCTest

/// PSNR, SSIM, L1 and MSE against scikit-image and numpy (Scripts/fixtures/metrics.py).
final class ImageMetricsTests: XCTestCase {
    private static let fixture = Result { try Fixtures.load("metrics") }

    func testGreyNoiseMatchesScikitImage() throws {
        try assertMatchesFixture("grey_random")
    }

    func testSmoothGreyImagesMatchScikitImage() throws {
        try assertMatchesFixture("grey_structured")
    }

    func testNonSquareRGBWithOutOfRangeValuesMatchesScikitImage() throws {
        try assertMatchesFixture("rgb")
    }

    func testCentralCropOfPaddedImagesMatchesScikitImageOnTheCrop() throws {
        let crop = try Self.fixture.get().tensor("grey_cropped.crop").scalars.map { Int($0) }
        try assertMatchesFixture("grey_cropped", crop: CropRegion(top: crop[0], left: crop[1],
                                                                  height: crop[2], width: crop[3]))
    }

    func testIdenticalImagesGetTheCappedPSNRAndSSIMOne() throws {
        try assertMatchesFixture("extremes")
        let image = Tensor(shape: [1, 1, 12, 12], scalars: (0..<144).map { Float($0) / 72 - 1 })
        let scores = try ImageMetrics.scores(originals: image, reconstructions: image)
        XCTAssertEqual(scores.psnr, [ImageMetrics.maximumPSNR])
        XCTAssertEqual(scores.ssim[0], 1, accuracy: 1e-12)
        XCTAssertEqual(scores.mse, [0])
    }

    func testPSNROfAKnownConstantError() throws {
        // Every pixel off by 0.1 on [0, 1] (0.2 on [−1, 1]): MSE 0.01, PSNR 20 dB.
        let originals = Tensor(repeating: -0.5, shape: [2, 3, 4, 5])
        let reconstructions = Tensor(repeating: -0.3, shape: [2, 3, 4, 5])
        let psnr = try ImageMetrics.psnr(originals: originals, reconstructions: reconstructions)
        XCTAssertEqual(psnr[0], 20, accuracy: 1e-5)
        XCTAssertEqual(try ImageMetrics.meanPSNR(originals: originals, reconstructions: reconstructions),
                       20, accuracy: 1e-5)
        let l1 = try ImageMetrics.pixelScores(originals: originals, reconstructions: reconstructions).l1
        XCTAssertEqual(l1[1], 0.1, accuracy: 1e-6)
    }

    func testMeanPSNRIsTheMeanOfPerImagePSNR() throws {
        let fixture = try Self.fixture.get()
        let originals = try fixture.tensor("grey_random.originals")
        let reconstructions = try fixture.tensor("grey_random.reconstructions")
        let expected = try fixture.tensor("grey_random.psnr").scalars.map(Double.init)
        XCTAssertEqual(try ImageMetrics.meanPSNR(originals: originals, reconstructions: reconstructions),
                       expected.reduce(0, +) / 3, accuracy: 1e-4)
    }

    func testEmptyBatchGivesNoScores() throws {
        let empty = Tensor.zeros([0, 1, 16, 16])
        let scores = try ImageMetrics.scores(originals: empty, reconstructions: empty)
        XCTAssertEqual(scores.count, 0)
        XCTAssertTrue(scores.meanPSNR.isNaN)
    }

    func testScoresAreTheSameForAnyThreadCount() throws {
        let fixture = try Self.fixture.get()
        let originals = try fixture.tensor("rgb.originals"), reconstructions = try fixture.tensor("rgb.reconstructions")
        let saved = ComputeSettings.threadCount
        defer { ComputeSettings.threadCount = saved }
        ComputeSettings.threadCount = 1
        let serial = try ImageMetrics.scores(originals: originals, reconstructions: reconstructions)
        ComputeSettings.threadCount = 4
        XCTAssertEqual(try ImageMetrics.scores(originals: originals, reconstructions: reconstructions), serial)
    }

    private func assertMatchesFixture(_ name: String, crop: CropRegion? = nil,
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let fixture = try Self.fixture.get()
        let scores = try ImageMetrics.scores(originals: fixture.tensor("\(name).originals"),
                                             reconstructions: fixture.tensor("\(name).reconstructions"), crop: crop)
        let measured = ["psnr": scores.psnr, "ssim": scores.ssim, "l1": scores.l1, "mse": scores.mse]
        for (metric, values) in measured {
            // The expected values went through Float32; the metrics are computed in Double.
            assertClose(values.map(Float.init), try fixture.tensor("\(name).\(metric)").scalars,
                        rtol: 2e-6, atol: 1e-6, "\(name) \(metric)", file: file, line: line)
        }
    }
}
