import Evaluation
import Foundation
import XCTest

final class EvaluationReportTests: XCTestCase {
    private let report = EvaluationReport(
        title: "Reconstruction, Fashion-MNIST t10k",
        details: ["images": "10000", "crop": "28×28 at (2, 2)"],
        metrics: [.init(name: "PSNR", value: 27.34123, unit: "dB"), .init(name: "SSIM", value: 0.912345678),
                  .init(name: "MSE", value: 0.00001234567), .init(name: "perceptual distance", value: .nan)])

    func testTextTableIsAlignedWithSortedDetails() {
        XCTAssertEqual(report.textTable(), """
            Reconstruction, Fashion-MNIST t10k
              crop: 28×28 at (2, 2)
              images: 10000
            metric                    value  unit
            -------------------  ----------  ----
            PSNR                    27.3412  dB
            SSIM                   0.912346
            MSE                  1.23457e-5
            perceptual distance         nan

            """)
    }

    func testJSONFileRoundTripsIncludingNaN() throws {
        let url = try temporaryFile("report.json")
        try report.write(to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.contains("\"title\" : \"Reconstruction, Fashion-MNIST t10k\""), text)
        XCTAssertTrue(text.contains("\"value\" : \"nan\""), text)
        let read = try EvaluationReport(contentsOf: url)
        XCTAssertEqual(read.metrics.prefix(3), report.metrics.prefix(3))
        XCTAssertTrue(read[metric: "perceptual distance"]!.isNaN)
        XCTAssertEqual(read.details, report.details)
    }

    func testWritingIntoAMissingFolderNamesTheFile() throws {
        let url = URL(fileURLWithPath: "/nonexistent-folder-\(UUID().uuidString)/report.json")
        XCTAssertThrowsError(try report.write(to: url)) { error in
            guard case .cannotWrite(let path, _) = error as? ReportError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
            XCTAssertTrue("\(error)".hasPrefix("cannot write report \(url.path): "), "\(error)")
        }
    }

    func testReadingAMissingFileNamesIt() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString).json")
        XCTAssertThrowsError(try EvaluationReport(contentsOf: url)) { error in
            guard case .cannotRead(let path, _) = error as? ReportError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
        }
    }

    func testMalformedFilesNameTheProblemKey() throws {
        let cases = [
            ("{\"title\": \"t\", \"details\": {}}", "missing key metrics"),
            ("{\"title\": \"t\", \"details\": {}, \"metrics\": [{\"name\": \"a\", \"value\": \"x\", \"unit\": \"\"}]}",
             "key metrics.0.value: expected Double"),
            ("not json", "not valid JSON"),
        ]
        for (text, reason) in cases {
            let url = try temporaryFile("bad.json")
            try Data(text.utf8).write(to: url)
            XCTAssertThrowsError(try EvaluationReport(contentsOf: url)) { error in
                XCTAssertEqual(error as? ReportError, .malformed(path: url.path, reason: reason))
                XCTAssertEqual("\(error)", "\(url.path) is not an evaluation report: \(reason)")
            }
        }
    }

    private func temporaryFile(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder.appendingPathComponent(name)
    }
}
