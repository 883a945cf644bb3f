import Evaluation
import XCTest

final class ProgressReporterTests: XCTestCase {
    /// A clock the test moves by hand, and the text written so far.
    private var now = 100.0
    private var written: [String] = []

    private func reporter(total: Int, style: ProgressReporter.Style, printInterval: Double? = nil,
                          rateWindow: Int = 20, startStep: Int = 0) -> ProgressReporter {
        ProgressReporter(total: total, startStep: startStep, style: style, printInterval: printInterval,
                         rateWindow: rateWindow, clock: { self.now }, write: { self.written.append($0) })
    }

    func testAppendedLineShowsStepValuesSpeedAndETA() {
        let progress = reporter(total: 2000, style: .appending, printInterval: 0)
        now += 120 / 3.4  // 120 steps at 3.4 it/s
        progress.update(step: 120, values: ["loss": 0.041234, "rec": 0.0398, "kl": 1234.5])
        // 1880 steps left at 3.4 it/s: 552.9 s.
        XCTAssertEqual(written, ["step 120/2000 | loss 0.0412 rec 0.0398 kl 1.23e3 | 3.4 it/s | ETA 9m13s\n"])
    }

    /// A run that stops at a time budget (train.max_minutes) shows the time left, not the steps' ETA.
    func testETANeverPassesTheStopTime() {
        let progress = reporter(total: 1_000_000, style: .appending, printInterval: 0)
        progress.stopTime = now + 600
        now += 10
        progress.update(step: 10)
        XCTAssertEqual(written, ["step 10/1000000 | 1.0 it/s | ETA 9m50s\n"])
    }

    func testSlowStepsShowSecondsPerStep() {
        let progress = reporter(total: 10, style: .appending, printInterval: 0)
        now += 25
        progress.update(step: 1)
        XCTAssertEqual(written, ["step 1/10 | 25.0 s/it | ETA 3m45s\n"])
    }

    func testSpeedIsAveragedOverTheRecentWindowOnly() {
        let progress = reporter(total: 100, style: .appending, printInterval: 0, rateWindow: 2)
        for step in 1...3 { now += 10; progress.update(step: step) }   // slow start: 0.1 it/s
        for step in 4...5 { now += 0.5; progress.update(step: step) }  // then 2 it/s
        XCTAssertEqual(progress.stepsPerSecond!, 2, accuracy: 1e-12)
        XCTAssertEqual(written.last, "step 5/100 | 2.0 it/s | ETA 48s\n")
    }

    func testBeforeAnyTimePassesTheSpeedIsUnknown() {
        let progress = reporter(total: 10, style: .appending, startStep: 4)
        progress.update(step: 5, values: ["loss": 1])
        XCTAssertEqual(written, ["step 5/10 | loss 1 | -- it/s | ETA --\n"])
    }

    func testAppendingPrintsAtMostOncePerIntervalButAlwaysTheLastStep() {
        let progress = reporter(total: 30, style: .appending, printInterval: 10)
        for step in 1...30 { now += 1; progress.update(step: step) }
        XCTAssertEqual(written.map { $0.prefix(11) }, ["step 1/30 |", "step 11/30 ", "step 21/30 ", "step 30/30 "])
        progress.finish()
        XCTAssertEqual(written.count, 4)
    }

    func testFinishPrintsAHeldBackLine() {
        let progress = reporter(total: 100, style: .appending, printInterval: 10)
        now += 1; progress.update(step: 1)
        now += 1; progress.update(step: 2)
        progress.finish()
        XCTAssertEqual(written.map { $0.prefix(10) }, ["step 1/100", "step 2/100"])
    }

    func testOverwritingRewritesOneLineAndClearsLeftoverCharacters() {
        let progress = reporter(total: 100, style: .overwriting, printInterval: 0)
        now += 1; progress.update(step: 1, values: ["loss": 0.123])
        now += 1; progress.update(step: 2)
        progress.finish()
        let first = "step 1/100 | loss 0.123 | 1.0 it/s | ETA 1m39s"
        let second = "step 2/100 | 1.0 it/s | ETA 1m38s"
        XCTAssertEqual(written, ["\r" + first, "\r" + second + String(repeating: " ", count: first.count - second.count),
                                 "\n"])
    }
}
