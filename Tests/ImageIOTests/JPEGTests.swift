import Foundation
import ImageIO
import XCTest

final class JPEGTests: XCTestCase {
    /// Pillow's bundled libjpeg-turbo and the system's may differ by a level in rare pixels.
    private let decoderTolerance = 1

    func testDecodesRGBAsPillowDoes() throws {
        let image = try Image(contentsOf: ImageFixtures.url("rgb.jpg"))
        XCTAssertLessThanOrEqual(maximumDifference(image, try ImageFixtures.expected("rgb_jpg")), decoderTolerance)
    }

    func testDecodesGreyToOneChannel() throws {
        let image = try Image(contentsOf: ImageFixtures.url("grey.jpg"))
        XCTAssertEqual(image.channels, 1)
        XCTAssertLessThanOrEqual(maximumDifference(image, try ImageFixtures.expected("grey_jpg")), decoderTolerance)
    }

    func testConvertsAdobeCMYKToRGB() throws {
        let image = try Image(contentsOf: ImageFixtures.url("cmyk.jpg"))
        XCTAssertEqual(image.channels, 3)
        XCTAssertLessThanOrEqual(maximumDifference(image, try ImageFixtures.expected("cmyk_jpg")), decoderTolerance)
    }

    func testOwnEncoderRoundTripsASmoothImageClosely() throws {
        for channels in [1, 3] {
            let image = gradient(width: 16, height: 12, channels: channels)
            let data = try image.jpegData(quality: 95)
            XCTAssertEqual(Array(data.prefix(3)), [0xFF, 0xD8, 0xFF])
            let decoded = try Image(decoding: data, name: "roundtrip.jpg")
            XCTAssertLessThanOrEqual(maximumDifference(decoded, image), 6, "\(channels) channels")
        }
    }

    func testEncodingRGBAAsJPEGIsRefused() {
        XCTAssertThrowsError(try noiseImage(width: 2, height: 2, channels: 4).jpegData()) { error in
            guard case .unsupported(.jpeg, _)? = (error as? ImageError)?.problem else {
                return XCTFail("unexpected error \(error)")
            }
        }
    }

    /// A gradient image, value 8x + 6y + 20c: content JPEG keeps almost exactly.
    private func gradient(width: Int, height: Int, channels: Int) -> Image {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels { pixels.append(UInt8(8 * x + 6 * y + 20 * c)) }
            }
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }
}
