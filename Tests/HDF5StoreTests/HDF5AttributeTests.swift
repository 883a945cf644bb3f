import Foundation
import HDF5Store
import XCTest

final class HDF5AttributeTests: XCTestCase {
    func testFileAndDatasetAttributesReadBackAfterReopening() throws {
        let url = try temporaryDirectory(for: self).appendingPathComponent("attributes.h5")
        do {
            let file = try HDF5File.create(at: url)
            try file.setAttribute("model", "kl-f8 ☃")
            try file.setAttribute("epochs", 40)
            try file.setAttribute("epochs", -2)  // replaces the first value
            let latents = try file.createDataset("latents", of: .float32, shape: [0, 4])
            try latents.setAttribute("scale_factor", 0.18215)
            try latents.setAttribute("count", Int(Int64.max))
        }
        let file = try HDF5File.open(url)
        XCTAssertEqual(try file.stringAttribute("model"), "kl-f8 ☃")
        XCTAssertEqual(try file.intAttribute("epochs"), -2)
        XCTAssertTrue(file.hasAttribute("model"))
        XCTAssertFalse(file.hasAttribute("scale_factor"))
        let latents = try file.dataset("latents")
        XCTAssertEqual(try latents.doubleAttribute("scale_factor"), 0.18215)
        XCTAssertEqual(try latents.intAttribute("count"), Int(Int64.max))
    }
}
