import Foundation
import HDF5Store
import XCTest

final class HDF5ErrorTests: XCTestCase {
    func testNonHDF5FileIsNamed() throws {
        let url = try temporaryDirectory(for: self).appendingPathComponent("notes.h5")
        try Data("just some text, long enough to hold a superblock if it were one".utf8).write(to: url)
        assertThrows("\(url.path): not an HDF5 file") { try HDF5File.open(url) }
    }

    func testMissingFileIsNamed() {
        assertThrows("no/such/cache.h5: cannot open: no such file") {
            try HDF5File.open(URL(fileURLWithPath: "no/such/cache.h5"))
        }
    }

    func testTruncatedFileGivesHDF5sReason() throws {
        let directory = try temporaryDirectory(for: self)
        let whole = directory.appendingPathComponent("whole.h5")
        do {
            let file = try HDF5File.create(at: whole)
            try file.createDataset("latents", of: .float32, shape: [0, 64]).append([Float](repeating: 1, count: 64 * 40))
        }
        let bytes = try Data(contentsOf: whole)
        let truncated = directory.appendingPathComponent("truncated.h5")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        XCTAssertThrowsError(try HDF5File.open(truncated).dataset("latents").readFloats()) { error in
            guard let error = error as? HDF5Error, case .cannotOpen(let reason) = error.problem else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(error.file, truncated.path)
            XCTAssertTrue(reason.contains("truncated"), reason)
        }
    }

    func testMissingDatasetAndAttributeAreNamed() throws {
        let url = try temporaryDirectory(for: self).appendingPathComponent("c.h5")
        let file = try HDF5File.create(at: url)
        let labels = try file.createDataset("labels", of: .int64, shape: [1])
        assertThrows("\(url.path): no dataset 'latents'") { try file.dataset("latents") }
        assertThrows("\(url.path): no attribute 'scale' of dataset 'labels'") { try labels.doubleAttribute("scale") }
        assertThrows("\(url.path): no attribute 'scale'") { try file.doubleAttribute("scale") }
    }

    func testWrongTypesAndRowsAreMismatches() throws {
        let url = try temporaryDirectory(for: self).appendingPathComponent("m.h5")
        let file = try HDF5File.create(at: url)
        let labels = try file.createDataset("labels", of: .int64, shape: [3])
        try file.setAttribute("name", "x")
        assertThrows("\(url.path): dataset 'labels': holds int64, not float32") { try labels.readFloats() }
        assertThrows("\(url.path): dataset 'labels': rows 2..<4 are outside its 3 rows") {
            try labels.write([1, 2] as [Int64], atRow: 2)
        }
        assertThrows("\(url.path): attribute 'name': is not a float") { try file.doubleAttribute("name") }
        assertThrows("\(url.path): dataset 'labels' already exists") {
            try file.createDataset("labels", of: .int64, shape: [1])
        }
    }

    func testWritingToAReadOnlyFileFailsWithHDF5sReason() throws {
        let url = try temporaryDirectory(for: self).appendingPathComponent("r.h5")
        _ = try HDF5File.create(at: url).createDataset("labels", of: .int64, shape: [1])
        let labels = try HDF5File.open(url).dataset("labels")
        XCTAssertThrowsError(try labels.write([1] as [Int64], atRow: 0)) { error in
            guard case .failed(let operation, let detail)? = (error as? HDF5Error)?.problem else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(operation, "writing rows 0..<1")
            XCTAssertFalse(detail.isEmpty)
        }
    }
}
