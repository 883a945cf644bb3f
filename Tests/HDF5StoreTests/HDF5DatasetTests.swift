import Foundation
import HDF5Store
import TestSupport
import XCTest

final class HDF5DatasetTests: XCTestCase {
    func testFloatRowsWrittenBySlabsAndAppendsReadBackAfterReopening() throws {
        let url = try temporaryDirectory(for: self).appendingPathComponent("cache.h5")
        let rows = (0..<4).map { row in (0..<6).map { Float(row * 10 + $0) + 0.25 } }
        do {
            let file = try HDF5File.create(at: url)
            let latents = try file.createDataset("latents/train", of: .float32, shape: [0, 2, 3])
            XCTAssertEqual(try latents.append(rows[0] + rows[1]), 0..<2)
            XCTAssertEqual(try latents.append(rows[2] + rows[3]), 2..<4)
            try latents.write(rows[3] + rows[2], atRow: 2)
            XCTAssertEqual(latents.shape, [4, 2, 3])
        }
        let file = try HDF5File.open(url)
        let latents = try file.dataset("latents/train")
        XCTAssertEqual(latents.elementType, .float32)
        XCTAssertEqual(latents.shape, [4, 2, 3])
        XCTAssertEqual(latents.rowLength, 6)
        XCTAssertEqual(try latents.readFloats(), rows[0] + rows[1] + rows[3] + rows[2])
        XCTAssertEqual(try latents.readFloats(rows: 1..<3), rows[1] + rows[3])
        XCTAssertEqual(try latents.readFloats(rows: 2..<2), [])
    }

    func testInt64AndStringDatasetsGrowAndReadBack() throws {
        let url = try temporaryDirectory(for: self).appendingPathComponent("labels.h5")
        let captions = ["a cat", "Ünïcödé ☃ — ✓", "", String(repeating: "long ", count: 100)]
        do {
            let file = try HDF5File.create(at: url)
            let labels = try file.createDataset("labels", of: .int64, shape: [2])
            try labels.write([Int64.min, 5], atRow: 0)
            try labels.append([Int64.max])
            let text = try file.createDataset("captions", of: .string, shape: [0])
            try text.append(captions)
        }
        let file = try HDF5File.open(url)
        XCTAssertEqual(try file.dataset("labels").readInt64s(), [Int64.min, 5, Int64.max])
        XCTAssertEqual(try file.dataset("captions").readStrings(), captions)
        XCTAssertEqual(try file.dataset("captions").readStrings(rows: 1..<2), [captions[1]])
    }

    func testExtendingAddsZeroRows() throws {
        let file = try HDF5File.create(at: try temporaryDirectory(for: self).appendingPathComponent("grow.h5"))
        let values = try file.createDataset("values", of: .float32, shape: [1, 2], rowsPerChunk: 3)
        try values.write([1, 2] as [Float], atRow: 0)
        try values.extend(toRows: 3)
        XCTAssertEqual(values.rowCount, 3)
        XCTAssertEqual(try values.readFloats(), [1, 2, 0, 0, 0, 0])
    }

    func testContainsSeesDatasetsAndGroups() throws {
        let file = try HDF5File.create(at: try temporaryDirectory(for: self).appendingPathComponent("tree.h5"))
        _ = try file.createDataset("a/b/c", of: .int64, shape: [0])
        XCTAssertTrue(file.contains("a"))
        XCTAssertTrue(file.contains("a/b/c"))
        XCTAssertFalse(file.contains("a/x/c"))
        XCTAssertFalse(file.contains("z"))
    }

    /// A file written by h5py (Scripts/fixtures/hdf5store.py); the expected values are its closed forms.
    func testReadsAFileWrittenByH5py() throws {
        let file = try HDF5File.open(Fixtures.url("hdf5store/h5py_written.h5"))
        let latents = try file.dataset("latents/train")
        XCTAssertEqual(latents.shape, [3, 2, 4])
        XCTAssertEqual(try latents.readFloats(), (0..<24).map { Float($0) / 8 - 1 })
        XCTAssertEqual(try latents.readFloats(rows: 2..<3), (16..<24).map { Float($0) / 8 - 1 })
        XCTAssertEqual(try latents.doubleAttribute("scale_factor"), 0.18215)
        XCTAssertEqual(try file.dataset("labels").readInt64s(), [7, 14, 21, 28, 35])
        XCTAssertEqual(try file.dataset("captions").readStrings(), ["a cat", "Ünïcödé ☃", ""])
        XCTAssertEqual(try file.stringAttribute("name"), "fixture")
        XCTAssertEqual(try file.intAttribute("version"), 3)
    }
}
