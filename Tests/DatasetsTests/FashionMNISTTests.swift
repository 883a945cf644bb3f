import Datasets
import Foundation
import TensorCore
import TestSupport
import XCTest

final class FashionMNISTTests: XCTestCase {
    private let mini = Fixtures.url("datasets/fashion-mini")

    func testReadsImagesPaddedTo32WithTheBackgroundValueAndLabels() throws {
        let expected = try Fixtures.load("datasets")
        var generator = SeededGenerator(seed: 0)
        for (split, labels) in [(FashionMNIST.Split.train, [9, 0, 4]), (.test, [2, 7])] {
            let dataset = try FashionMNIST(split: split, directory: mini)
            XCTAssertEqual(dataset.count, labels.count)
            XCTAssertEqual(dataset.channels, 1)
            let samples = try (0..<dataset.count).map { try dataset.sample(at: $0, generator: &generator) }
            XCTAssertEqual(samples.map(\.label), labels)
            XCTAssertEqual(samples[1].source, "Fashion-MNIST \(split.rawValue) #1")
            let prefix = split == .train ? "train" : "t10k"
            assertClose(samples[1].image, try expected.tensor("fashion_\(prefix)_1"), atol: 1e-6)
        }
    }

    func testClassNames() throws {
        let dataset = try FashionMNIST(split: .train, directory: mini)
        XCTAssertEqual(dataset.classNames, ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"])
    }

    func testMissingFilesNameTheFolderAndThePackage() throws {
        let empty = try TemporaryFolder()
        XCTAssertThrowsError(try FashionMNIST(split: .test, directory: empty.url)) { error in
            XCTAssertEqual("\(error)", "Fashion-MNIST: \(empty.url.path) lacks t10k-images-idx3-ubyte.gz, "
                           + "t10k-labels-idx1-ubyte.gz; install the Debian package dataset-fashion-mnist "
                           + "(sudo apt-get install dataset-fashion-mnist, or make setup)")
        }
    }

    func testMismatchedLabelFileIsAClearError() throws {
        let folder = try TemporaryFolder()
        let fm = FileManager.default
        try fm.copyItem(at: mini.appendingPathComponent("train-images-idx3-ubyte.gz"),
                        to: folder.url.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        try fm.copyItem(at: mini.appendingPathComponent("t10k-labels-idx1-ubyte.gz"),
                        to: folder.url.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        XCTAssertThrowsError(try FashionMNIST(split: .test, directory: folder.url)) { error in
            XCTAssertEqual("\(error)", "\(folder.url.path)/t10k-labels-idx1-ubyte.gz: dimensions [2], "
                           + "expected [3] (one label per image)")
        }
    }

    /// The real data set, when installed (always under CI, whose `make test` runs the set-up that
    /// installs it): sizes, balanced classes, and the time to read and convert every training image.
    func testRealFashionMNIST() throws {
        let directory = FashionMNIST.defaultDirectory
        let present = FileManager.default.fileExists(atPath: directory.appendingPathComponent("train-images-idx3-ubyte.gz").path)
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTAssertTrue(present, "CI: \(directory.path) must hold Fashion-MNIST (Scripts/setup.sh installs it)")
        }
        try XCTSkipUnless(present, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")

        let start = Date()
        let train = try FashionMNIST(split: .train, directory: directory)
        let loader = try DataLoader(dataset: train, batchSize: 500, seed: 1)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<loader.batchesPerEpoch {
            let batch = try loader.next()
            XCTAssertEqual(batch.images.shape, [500, 1, 32, 32])
            for label in batch.labels! { counts[label] += 1 }
        }
        let seconds = Date().timeIntervalSince(start)
        print("Fashion-MNIST: read and batched 60,000 training images in \(String(format: "%.2f", seconds)) s")
        XCTAssertEqual(counts, [Int](repeating: 6000, count: 10))
        XCTAssertEqual(try FashionMNIST(split: .test, directory: directory).count, 10_000)
    }
}
