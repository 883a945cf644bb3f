import Diffusion
import TensorCore
import TestSupport
import XCTest

/// The reference values of Scripts/fixtures/diffusion.py, loaded once.
let diffusionFixture: [String: Tensor] = {
    do { return try Fixtures.load("diffusion") } catch { fatalError("\(error)") }
}()

/// The fixture tensor `key`, or a failure naming it.
func fixture(_ key: String) throws -> Tensor { try diffusionFixture.tensor(key) }

/// The fixture's integer values of `key`.
func fixtureIntegers(_ key: String) throws -> [Int] { try fixture(key).scalars.map { Int($0) } }

/// The LDM schedule (CompVis `linear`, 0.00085 to 0.012, T = 1000).
func latentSchedule() throws -> NoiseSchedule { try NoiseSchedule(NoiseScheduleConfig()) }

/// The pixel-space DDPM schedule (CompVis `linear`, 1e-4 to 2e-2, T = 1000).
func pixelSchedule() throws -> NoiseSchedule {
    try NoiseSchedule(NoiseScheduleConfig(kind: .linear, linearStart: 1e-4, linearEnd: 2e-2))
}

/// Asserts that `body` throws a `DiffusionError` for `key` whose message contains `fragment`.
func assertDiffusionError<T>(_ body: @autoclosure () throws -> T, key: String, mentioning fragment: String,
                             file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard let error = error as? DiffusionError else {
            return XCTFail("expected a DiffusionError, got \(error)", file: file, line: line)
        }
        XCTAssertEqual(error.key, key, file: file, line: line)
        XCTAssertTrue(error.description.contains(fragment), "\(error) lacks '\(fragment)'", file: file, line: line)
    }
}

/// The Double values of a tensor.
func doubles(_ tensor: Tensor) -> [Double] { tensor.scalars.map(Double.init) }

/// The mean and (population) standard deviation of all elements.
func moments(_ tensor: Tensor) -> (mean: Double, standardDeviation: Double) {
    let values = doubles(tensor)
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
    return (mean, variance.squareRoot())
}
