import Foundation
import Optimizers
import XCTest

final class LearningRateScheduleTests: XCTestCase {
    func testConstant() {
        XCTAssertEqual(LearningRateSchedule.constant(0.1).learningRate(atStep: 0), 0.1)
        XCTAssertEqual(LearningRateSchedule.constant(0.1).learningRate(atStep: 1_000_000), 0.1)
    }

    func testLinearWarmupThenConstant() {
        let schedule = LearningRateSchedule.linearWarmup(peak: 1e-3, warmupSteps: 100)
        XCTAssertEqual(schedule.learningRate(atStep: 0), 0)
        XCTAssertEqual(schedule.learningRate(atStep: 50), 5e-4, accuracy: 1e-9)
        XCTAssertEqual(schedule.learningRate(atStep: 99), 9.9e-4, accuracy: 1e-9)
        XCTAssertEqual(schedule.learningRate(atStep: 100), 1e-3)
        XCTAssertEqual(schedule.learningRate(atStep: 10_000), 1e-3)
    }

    /// lr = min + (peak − min)·½(1 + cos(π·t)), t = (step − warm-up)/(total − warm-up).
    func testCosineDecayWithWarmup() {
        let schedule = LearningRateSchedule.cosineDecay(peak: 1, minimum: 0.1, warmupSteps: 10, totalSteps: 110)
        XCTAssertEqual(schedule.learningRate(atStep: 5), 0.5, accuracy: 1e-7)
        XCTAssertEqual(schedule.learningRate(atStep: 10), 1, accuracy: 1e-7)
        XCTAssertEqual(schedule.learningRate(atStep: 35), 0.1 + 0.45 * (1 + Float(0.5.squareRoot())), accuracy: 1e-6)
        XCTAssertEqual(schedule.learningRate(atStep: 60), 0.55, accuracy: 1e-6)
        XCTAssertEqual(schedule.learningRate(atStep: 110), 0.1, accuracy: 1e-7)
        XCTAssertEqual(schedule.learningRate(atStep: 500), 0.1, accuracy: 1e-7)
    }

    func testLinearDecayWithoutWarmup() {
        let schedule = LearningRateSchedule.linearDecay(peak: 2, minimum: 0, warmupSteps: 0, totalSteps: 100)
        XCTAssertEqual(schedule.learningRate(atStep: 0), 2)
        XCTAssertEqual(schedule.learningRate(atStep: 25), 1.5, accuracy: 1e-6)
        XCTAssertEqual(schedule.learningRate(atStep: 100), 0)
        XCTAssertEqual(schedule.learningRate(atStep: 200), 0)
    }

    func testLinearDecayWithWarmupToAMinimum() {
        let schedule = LearningRateSchedule.linearDecay(peak: 1, minimum: 0.2, warmupSteps: 4, totalSteps: 14)
        XCTAssertEqual(schedule.learningRate(atStep: 1), 0.25)
        XCTAssertEqual(schedule.learningRate(atStep: 4), 1)
        XCTAssertEqual(schedule.learningRate(atStep: 9), 0.6, accuracy: 1e-6)
        XCTAssertEqual(schedule.learningRate(atStep: 14), 0.2, accuracy: 1e-7)
    }
}
