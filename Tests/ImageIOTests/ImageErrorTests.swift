import Foundation
import ImageIO
import XCTest

final class ImageErrorTests: XCTestCase {
    func testUnknownContentNamesTheFileAndItsFirstBytes() {
        let html = Data("<html><body>not an image</body></html>".utf8)
        XCTAssertThrowsError(try Image(decoding: html, name: "photos/cat.jpg")) { error in
            XCTAssertEqual("\(error)", "photos/cat.jpg: not a JPEG or PNG file (starts with 3C 68 74 6D)")
        }
        XCTAssertThrowsError(try Image(decoding: Data(), name: "empty.png")) { error in
            XCTAssertEqual("\(error)", "empty.png: not a JPEG or PNG file (it is empty)")
        }
    }

    func testMissingFileIsAFileAccessError() {
        let url = URL(fileURLWithPath: "no/such/dir/picture.png")
        XCTAssertThrowsError(try Image(contentsOf: url)) { error in
            XCTAssertEqual("\(error)", "no/such/dir/picture.png: No such file or directory")
        }
    }

    func testTruncatedPNGIsCorruptAtEveryCut() throws {
        let data = try noiseImage(width: 6, height: 4, channels: 3).pngData()
        for length in [8, 20, 40, data.count / 2, data.count - 1] {
            assertCorrupt(data.prefix(length), .png, "\(length) of \(data.count) bytes")
        }
    }

    func testTruncatedJPEGIsCorruptAtEveryCut() throws {
        let data = try Data(contentsOf: ImageFixtures.url("rgb.jpg"))
        for length in [3, 30, data.count / 2, data.count - 2] {
            assertCorrupt(data.prefix(length), .jpeg, "\(length) of \(data.count) bytes")
        }
    }

    func testDamagedBytesAfterAValidSignatureAreCorrupt() throws {
        var png = try noiseImage(width: 6, height: 4, channels: 3).pngData()
        png[png.count / 2] ^= 0xFF  // inside IDAT: its CRC no longer matches
        assertCorrupt(png, .png, "flipped byte")
        let garbage = Data([0xFF, 0xD8, 0xFF] + noiseImage(width: 50, height: 1, channels: 1).pixels)
        assertCorrupt(garbage, .jpeg, "noise after the SOI marker")
    }

    func testCorruptMessageNamesTheFileAndTheFormat() throws {
        let data = try noiseImage(width: 6, height: 4, channels: 1).pngData().prefix(30)
        XCTAssertThrowsError(try Image(decoding: data, name: "x.png")) { error in
            XCTAssertTrue("\(error)".hasPrefix("x.png: truncated or corrupt PNG: "), "\(error)")
        }
    }

    private func assertCorrupt(_ data: Data, _ format: ImageFormat, _ label: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Image(decoding: data, name: "test"), label, file: file, line: line) { error in
            guard case .corrupt(format, let detail)? = (error as? ImageError)?.problem, !detail.isEmpty else {
                return XCTFail("\(label): unexpected error \(error)", file: file, line: line)
            }
        }
    }
}
