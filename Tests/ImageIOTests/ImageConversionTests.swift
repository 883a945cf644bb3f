import ImageIO
import XCTest

final class ImageConversionTests: XCTestCase {
    func testRGBAToRGBCompositesOnWhite() {
        let rgba = noiseImage(width: 5, height: 3, channels: 4)
        let rgb = rgba.rgb()
        XCTAssertEqual(rgb.channels, 3)
        for pixel in 0..<15 {
            let alpha = Double(rgba.pixels[pixel * 4 + 3]) / 255
            for c in 0..<3 {
                let expected = (Double(rgba.pixels[pixel * 4 + c]) * alpha + 255 * (1 - alpha)).rounded()
                XCTAssertEqual(Double(rgb.pixels[pixel * 3 + c]), expected, accuracy: 0.5001)
            }
        }
    }

    func testGreyscaleIsBT601Luma() {
        let rgb = noiseImage(width: 4, height: 4, channels: 3)
        let grey = rgb.greyscale()
        XCTAssertEqual(grey.channels, 1)
        for pixel in 0..<16 {
            let (r, g, b) = (Double(rgb.pixels[pixel * 3]), Double(rgb.pixels[pixel * 3 + 1]), Double(rgb.pixels[pixel * 3 + 2]))
            XCTAssertEqual(Double(grey.pixels[pixel]), ((299 * r + 587 * g + 114 * b) / 1000).rounded())
        }
    }

    func testGreyscaleOfRGBAUsesTheCompositedColour() {
        let rgba = noiseImage(width: 3, height: 2, channels: 4)
        XCTAssertEqual(rgba.greyscale(), rgba.rgb().greyscale())
    }

    func testWideningRepeatsGreyAndAddsOpaqueAlpha() {
        let grey = Image(width: 2, height: 1, channels: 1, pixels: [7, 200])
        XCTAssertEqual(grey.rgb().pixels, [7, 7, 7, 200, 200, 200])
        XCTAssertEqual(grey.rgba().pixels, [7, 7, 7, 255, 200, 200, 200, 255])
        XCTAssertEqual(Array(grey.rgba()[1, 0]), [200, 200, 200, 255])
        let rgb = noiseImage(width: 3, height: 3, channels: 3)
        XCTAssertEqual(rgb.converted(toChannels: 4).converted(toChannels: 3), rgb)
        XCTAssertEqual(rgb.converted(toChannels: 3), rgb)
    }
}
