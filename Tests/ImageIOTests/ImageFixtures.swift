import Foundation
import ImageIO
import TestSupport
import XCTest

/// The test images of Scripts/fixtures/imageio.py and the pixels each must decode to.
enum ImageFixtures {
    /// The image file `fileName` in Tests/Fixtures/imageio.
    static func url(_ fileName: String) -> URL { Fixtures.url("imageio/\(fileName)") }

    /// The expected image stored under `key` (a [height, width, channels] tensor) in imageio.json.
    static func expected(_ key: String) throws -> Image {
        let tensor = try Fixtures.load("imageio").tensor(key)
        return Image(width: tensor.shape[1], height: tensor.shape[0], channels: tensor.shape[2],
                     pixels: tensor.scalars.map { UInt8($0) })
    }
}

/// A deterministic pseudo-random image (xorshift), so that round trips see every byte value.
func noiseImage(width: Int, height: Int, channels: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> Image {
    var state = seed
    let pixels = (0..<width * height * channels).map { _ -> UInt8 in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state >> 24)
    }
    return Image(width: width, height: height, channels: channels, pixels: pixels)
}

/// The largest difference between two images' bytes, after checking that their sizes agree.
func maximumDifference(_ a: Image, _ b: Image, file: StaticString = #filePath, line: UInt = #line) -> Int {
    XCTAssertEqual([a.width, a.height, a.channels], [b.width, b.height, b.channels], "sizes", file: file, line: line)
    guard a.pixels.count == b.pixels.count else { return Int.max }
    return zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
}

/// A fresh empty directory for one test's files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ImageIOTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
