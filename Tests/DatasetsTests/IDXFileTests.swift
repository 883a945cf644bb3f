import Datasets
import TestSupport
import XCTest

final class IDXFileTests: XCTestCase {
    func testReadsGzippedImagesAndLabels() throws {
        let images = try IDXFile(contentsOf: Fixtures.url("idx/images-idx3-ubyte.gz"))
        XCTAssertEqual(images.dimensions, [3, 2, 3])
        XCTAssertEqual(images.bytes, (0..<18).map { UInt8($0 * 14) })
        let labels = try IDXFile(contentsOf: Fixtures.url("idx/labels-idx1-ubyte.gz"))
        XCTAssertEqual(labels.dimensions, [3])
        XCTAssertEqual(labels.bytes, [9, 0, 4])
    }

    func testTruncatedGzipIsAClearError() {
        let url = Fixtures.url("idx/truncated.gz")
        XCTAssertThrowsError(try IDXFile(contentsOf: url)) { error in
            XCTAssertEqual("\(error)", "\(url.path): not a readable gzip file: truncated (ended before the end of the stream)")
        }
    }

    func testWrongSizeAndMagicAreClearErrors() {
        let short = Data([0, 0, 8, 1, 0, 0, 0, 5, 1, 2])
        XCTAssertThrowsError(try IDXFile(data: short, name: "x.idx")) { error in
            XCTAssertEqual(error as? IDXError,
                           .malformed(path: "x.idx", message: "dimensions [5] need 5 bytes of data, found 2"))
        }
        XCTAssertThrowsError(try IDXFile(data: Data("<html>".utf8), name: "page.idx")) { error in
            XCTAssertEqual(error as? IDXError,
                           .malformed(path: "page.idx", message: "missing the IDX magic number (00 00 type rank)"))
        }
    }
}
