import Evaluation
import XCTest

final class NumberFormattingTests: XCTestCase {
    func testSignificantDigitsChooseTheShorterNotation() {
        let cases: [(Double, Int, String)] = [
            (0.041234, 3, "0.0412"), (0.0398, 3, "0.0398"), (1234.5, 3, "1.23e3"), (999.7, 3, "1e3"),
            (12.0, 3, "12"), (-0.5, 3, "-0.5"), (3.456e-5, 3, "3.46e-5"), (0.0001, 3, "0.0001"),
            (27.341234, 6, "27.3412"), (123456.7, 6, "123457"), (1234567, 6, "1.23457e6"), (0, 6, "0"),
            (.nan, 3, "nan"), (.infinity, 3, "inf"), (-.infinity, 6, "-inf"),
        ]
        for (value, digits, expected) in cases {
            XCTAssertEqual(formatSignificant(value, digits: digits), expected, "\(value), \(digits) digits")
        }
    }

    func testDurationsUseTheirTwoLargestUnits() {
        let cases: [(Double, String)] = [(0.4, "0s"), (42, "42s"), (552, "9m12s"), (3600, "1h00m"),
                                         (7500, "2h05m"), (.infinity, "--")]
        for (seconds, expected) in cases { XCTAssertEqual(formatDuration(seconds), expected, "\(seconds) s") }
    }
}
