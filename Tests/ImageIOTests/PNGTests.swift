import Foundation
import ImageIO
import XCTest

final class PNGTests: XCTestCase {
    func testRoundTripKeepsGreyRGBAndRGBA() throws {
        for channels in [1, 3, 4] {
            let image = noiseImage(width: 7, height: 5, channels: channels)
            let data = try image.pngData()
            XCTAssertEqual(Array(data.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
            XCTAssertEqual(try Image(decoding: data, name: "roundtrip.png"), image, "\(channels) channels")
        }
    }

    func testWriteThenReadRecognisesTheFormatByContentNotExtension() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("misnamed.jpg")
        let image = noiseImage(width: 3, height: 9, channels: 3)
        try image.write(to: url)
        XCTAssertEqual(try Image(contentsOf: url), image)
    }

    func testPaletteWithTransparencyDecodesToRGBA() throws {
        try assertDecodes("palette_trns.png", as: "palette_trns", channels: 4)
    }

    func testFourBitPaletteDecodesToRGB() throws {
        try assertDecodes("palette_4bit.png", as: "palette_4bit", channels: 3)
    }

    func testTwoBitGreyScalesToEightBits() throws {
        try assertDecodes("grey_2bit.png", as: "grey_2bit", channels: 1)
    }

    func testSixteenBitRGBKeepsTheHighByte() throws {
        try assertDecodes("rgb_16bit.png", as: "rgb_16bit", channels: 3)
    }

    func testSixteenBitGreyWithAlphaDecodesToRGBA() throws {
        try assertDecodes("grey_alpha_16bit.png", as: "grey_alpha_16bit", channels: 4)
    }

    private func assertDecodes(_ fileName: String, as key: String, channels: Int,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let image = try Image(contentsOf: ImageFixtures.url(fileName))
        XCTAssertEqual(image.channels, channels, file: file, line: line)
        XCTAssertEqual(image, try ImageFixtures.expected(key), fileName, file: file, line: line)
    }
}
