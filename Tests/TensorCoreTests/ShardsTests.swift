import TensorCore
import XCTest

final class ShardsTests: XCTestCase {
    func testShardRangesCoverTheBatchInNearEqualPieces() {
        XCTAssertEqual(shardRanges(count: 7, shards: 3), [0..<3, 3..<5, 5..<7])
        XCTAssertEqual(shardRanges(count: 8, shards: 2), [0..<4, 4..<8])
        XCTAssertEqual(shardRanges(count: 2, shards: 4), [0..<1, 1..<2], "never an empty shard")
        XCTAssertEqual(shardRanges(count: 5, shards: 1), [0..<5])
        XCTAssertEqual(shardRanges(count: 0, shards: 2), [])
    }

    func testMapShardsKeepsShardOrderAndTheCallersGradientMode() {
        let saved = ComputeSettings.threadCount
        defer { ComputeSettings.threadCount = saved }
        for threads in [1, 2] {
            ComputeSettings.threadCount = threads
            XCTAssertEqual(mapShards(5) { $0 * 10 }, [0, 10, 20, 30, 40])
            XCTAssertEqual(mapShards(3) { _ in GradientMode.isRecording }, [true, true, true])
            XCTAssertEqual(withoutGradients { mapShards(3) { _ in GradientMode.isRecording } }, [false, false, false],
                           "a shard computes without a graph when its caller does")
        }
    }
}
