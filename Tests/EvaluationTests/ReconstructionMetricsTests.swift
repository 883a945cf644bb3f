import Evaluation
import TensorCore
import TestSupport
import XCTest

final class ReconstructionMetricsTests: XCTestCase {
    func testMeansOverBatchesOfDifferentSizesAreMeansOverImages() throws {
        let fixture = try Fixtures.load("metrics")
        let originals = try fixture.tensor("grey_random.originals")
        let reconstructions = try fixture.tensor("grey_random.reconstructions")
        var metrics = ReconstructionMetrics()
        try metrics.add(originals: originals.sliced(axis: 0, range: 0..<1),
                        reconstructions: reconstructions.sliced(axis: 0, range: 0..<1))
        try metrics.add(originals: originals.sliced(axis: 0, range: 1..<3),
                        reconstructions: reconstructions.sliced(axis: 0, range: 1..<3))
        XCTAssertEqual(metrics.imageCount, 3)
        let expected = { (metric: String) in
            try fixture.tensor("grey_random.\(metric)").scalars.map(Double.init).reduce(0, +) / 3
        }
        XCTAssertEqual(metrics.meanPSNR, try expected("psnr"), accuracy: 1e-4)
        XCTAssertEqual(metrics.meanSSIM, try expected("ssim"), accuracy: 1e-6)
        XCTAssertEqual(metrics.meanL1, try expected("l1"), accuracy: 1e-7)
        XCTAssertEqual(metrics.meanMSE, try expected("mse"), accuracy: 1e-8)
    }

    func testCropIsAppliedToEveryBatch() throws {
        let fixture = try Fixtures.load("metrics")
        var metrics = ReconstructionMetrics(crop: CropRegion(top: 2, left: 2, height: 28, width: 28))
        try metrics.add(originals: fixture.tensor("grey_cropped.originals"),
                        reconstructions: fixture.tensor("grey_cropped.reconstructions"))
        let expected = try fixture.tensor("grey_cropped.ssim").scalars.map(Double.init).reduce(0, +) / 2
        XCTAssertEqual(metrics.meanSSIM, expected, accuracy: 1e-6)
    }

    func testAFailedBatchLeavesTheMeansUnchanged() throws {
        var metrics = ReconstructionMetrics()
        try metrics.add(originals: .zeros([1, 1, 12, 12]), reconstructions: Tensor(repeating: 0.2, shape: [1, 1, 12, 12]))
        XCTAssertThrowsError(try metrics.add(originals: .zeros([1, 1, 12, 12]), reconstructions: .zeros([1, 1, 12, 13])))
        XCTAssertEqual(metrics.imageCount, 1)
        XCTAssertEqual(metrics.meanMSE, 0.01, accuracy: 1e-9)
    }

    func testWithoutSSIMSmallImagesWorkAndSSIMIsNaN() throws {
        var metrics = ReconstructionMetrics(includingSSIM: false)
        try metrics.add(originals: .zeros([2, 3, 4, 4]), reconstructions: .zeros([2, 3, 4, 4]))
        XCTAssertEqual(metrics.meanPSNR, ImageMetrics.maximumPSNR)
        XCTAssertTrue(metrics.meanSSIM.isNaN)
        XCTAssertEqual(metrics.report(title: "t").metrics.map(\.name), ["PSNR", "L1", "MSE"])
    }

    func testNoImagesGiveNaNMeans() {
        let metrics = ReconstructionMetrics()
        XCTAssertTrue(metrics.meanPSNR.isNaN && metrics.meanSSIM.isNaN && metrics.meanL1.isNaN)
    }

    func testReportCarriesTheMeansAndTheSettings() throws {
        var metrics = ReconstructionMetrics(crop: CropRegion(top: 1, left: 0, height: 11, width: 12))
        try metrics.add(originals: .zeros([1, 1, 12, 12]), reconstructions: Tensor(repeating: -0.2, shape: [1, 1, 12, 12]))
        let report = metrics.report(title: "Reconstruction", details: ["checkpoint": "ae.safetensors"])
        XCTAssertEqual(report.details, ["checkpoint": "ae.safetensors", "images": "1", "crop": "11×12 at (1, 0)",
                                        "pixel scale": "[-1, 1] mapped to [0, 1], clipped"])
        XCTAssertEqual(report.metrics.map(\.name), ["PSNR", "SSIM", "L1", "MSE"])
        XCTAssertEqual(report[metric: "PSNR"]!, 20, accuracy: 1e-5)
        XCTAssertEqual(report.metrics[0].unit, "dB")
    }
}
