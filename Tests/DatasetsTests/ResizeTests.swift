import Datasets
import ImageIO
import TestSupport
import XCTest

/// `Image.resized` against Pillow (Scripts/fixtures/datasets.py). Pillow uses fixed-point weights
/// and rounds its intermediate image to 8 bits after the horizontal pass; we keep the intermediate in
/// Float (clamped to [0, 255] as Pillow's is) and round once. So a pixel may differ by one grey level
/// (e.g. the mean of 100 and 101 is 100.5, rounded up to 101 before the vertical pass), never more.
/// Rounding half up twice makes Pillow brighter on average (by 0.35 levels when halving, whose pair
/// sums are odd half the time), so the mean difference may reach 0.5 but no more, and at least half
/// the pixels must agree exactly. (Observed: every pixel within ±1; 65–84% identical.)
final class ResizeTests: XCTestCase {
    private func fixture(_ name: String) throws -> Image {
        try Image(contentsOf: Fixtures.url("datasets/resize/\(name).png"))
    }

    private func assertMatchesPillow(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try fixture(name)
        let actual = try fixture("source").resized(width: expected.width, height: expected.height)
        XCTAssertEqual([actual.width, actual.height, actual.channels],
                       [expected.width, expected.height, expected.channels], file: file, line: line)
        let differences = zip(actual.pixels, expected.pixels).map { Int($0) - Int($1) }
        let count = Double(differences.count)
        let identical = Double(differences.filter { $0 == 0 }.count) / count
        let bias = Double(differences.reduce(0, +)) / count
        XCTAssertLessThanOrEqual(differences.map(abs).max()!, 1, "\(name): largest difference", file: file, line: line)
        XCTAssertLessThanOrEqual(abs(bias), 0.5, "\(name): mean difference", file: file, line: line)
        XCTAssertGreaterThanOrEqual(identical, 0.5, "\(name): share identical", file: file, line: line)
    }

    func testAreaShrinkByTwoMatchesPillowBox() throws { try assertMatchesPillow("box_20x15") }
    func testAreaShrinkByTwoAndAHalfMatchesPillowBox() throws { try assertMatchesPillow("box_16x12") }
    func testAreaShrinkByUnevenFactorsMatchesPillowBox() throws { try assertMatchesPillow("box_23x17") }
    func testBicubicGrowthMatchesPillow() throws { try assertMatchesPillow("bicubic_72x54") }
    func testBicubicGrowthByUnevenFactorsMatchesPillow() throws { try assertMatchesPillow("bicubic_57x41") }

    func testIntegerShrinkIsTheExactBlockMean() {
        // 4×2 grey → 2×1: each output is the rounded mean of a 2×2 block.
        let image = Image(width: 4, height: 2, channels: 1, pixels: [0, 10, 100, 101, 20, 31, 200, 255])
        XCTAssertEqual(image.resized(width: 2, height: 1).pixels, [15, 164])  // 61/4 = 15.25, 656/4 = 164
    }

    func testGrowingAConstantImageKeepsItConstant() {
        let image = Image(width: 3, height: 2, channels: 3, pixels: [UInt8](repeating: 77, count: 18))
        XCTAssertEqual(image.resized(width: 7, height: 5).pixels, [UInt8](repeating: 77, count: 105))
    }

    func testShorterSideKeepsTheAspectRatio() {
        let wide = Image(width: 90, height: 60, channels: 1, pixels: [UInt8](repeating: 0, count: 5400))
        let resized = wide.resized(shorterSide: 25)
        XCTAssertEqual([resized.width, resized.height], [38, 25])  // 90 · 25 / 60 = 37.5, rounded up
        let tall = wide.resized(width: 60, height: 90).resized(shorterSide: 120)
        XCTAssertEqual([tall.width, tall.height], [120, 180])
    }
}
