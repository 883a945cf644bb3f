import Datasets
import Foundation
import HDF5Store
import Models
import TensorCore
import TestSupport
import Training
import XCTest

final class LatentCacheReaderTests: XCTestCase {
    private var folder: CacheFolder!

    override func setUpWithError() throws { folder = try CacheFolder("latent-cache-reader") }
    override func tearDown() { folder.remove() }

    /// A KL cache of 10 synthetic images.
    private func builtCache(_ name: String = "kl.h5") throws -> URL {
        let url = folder.file(name)
        try LatentCache.build(firstStage: tinyFirstStage(.kl), dataset: SyntheticImages(count: 10), transform: "none",
                              to: url, batchSize: 5)
        return url
    }

    /// A file with a cache's attributes (complete unless `count` < `total`) and only the datasets `fill` makes.
    private func handmadeCache(_ name: String, kind: String = "autoencoder-vq", count: Int = 2, total: Int = 2,
                               format: String = "swift-ldm-latent-cache/1", fill: (HDF5File) throws -> Void) throws -> URL {
        let url = folder.file(name)
        let file = try HDF5File.create(at: url)
        try file.setAttribute("format", format)
        for (key, value) in ["first_stage_sha256": "00", "first_stage_kind": kind, "dataset_fingerprint": "11",
                             "dataset_name": "handmade", "transform": ""] {
            try file.setAttribute(key, value)
        }
        try file.setAttribute("dataset_count", total)
        try file.setAttribute("count", count)
        try file.setAttribute("complete", count == total ? 1 : 0)
        try file.setAttribute("scale_factor", 2.0)
        try fill(file)
        return url
    }

    private func latents(_ file: HDF5File, _ name: String = "latents", rows: Int = 2) throws {
        try file.createDataset(name, of: .float32, shape: [rows, 1, 2, 2]).write((0..<rows * 4).map(Float.init), atRow: 0)
    }

    private func assertOpeningFails(_ url: URL, with message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try LatentCache(contentsOf: url), file: file, line: line) { error in
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    func testAFileThatIsNotHDF5OrTruncatedIsAClearErrorNamingIt() throws {
        let text = folder.file("notes.h5")
        try Data("not a cache".utf8).write(to: text)
        assertOpeningFails(text, with: "\(text.relativePath): not an HDF5 file")

        let bytes = try Data(contentsOf: try builtCache())
        let truncated = folder.file("truncated.h5")
        try bytes.prefix(bytes.count * 2 / 3).write(to: truncated)
        XCTAssertThrowsError(try LatentCache(contentsOf: truncated)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(truncated.relativePath): cannot open: truncated file"), "\(error)")
        }
        assertOpeningFails(folder.file("missing.h5"), with: "\(folder.file("missing.h5").relativePath): cannot open: no such file")
    }

    func testAnHDF5FileOfAnotherKindIsNotACache() throws {
        let foreign = folder.file("foreign.h5")
        try latents(try HDF5File.create(at: foreign))
        assertOpeningFails(foreign, with: "\(foreign.relativePath): not a swift-ldm latent cache (no 'format' attribute)")
        let future = try handmadeCache("future.h5", format: "swift-ldm-latent-cache/2") { try latents($0) }
        assertOpeningFails(future, with: "\(future.relativePath): not a swift-ldm latent cache "
                           + "(format 'swift-ldm-latent-cache/2', expected 'swift-ldm-latent-cache/1')")
    }

    func testAnIncompleteCacheSaysHowFarItGotAndHowToFinishIt() throws {
        let url = try handmadeCache("partial.h5", count: 3072, total: 60000) { try latents($0, rows: 3072) }
        assertOpeningFails(url, with: "\(url.relativePath): incomplete (3,072 of 60,000 latents); "
                           + "run `train-ldm cache` to finish it")
    }

    func testDatasetsThatDoNotFitTogetherAreReported() throws {
        let short = try handmadeCache("short.h5", count: 3, total: 3) { try latents($0) }
        assertOpeningFails(short, with: "\(short.relativePath): damaged latent cache: dataset 'latents' holds "
                           + "float32 [2, 1, 2, 2], expected float32 of rank 4 with 3 rows")
        let halfPosterior = try handmadeCache("half.h5", kind: "autoencoder-kl") { file in
            try latents(file)
            try latents(file, "mean")
        }
        assertOpeningFails(halfPosterior, with: "\(halfPosterior.relativePath): damaged latent cache: a cache of an "
                           + "autoencoder-kl needs both datasets 'mean' and 'logvar'")
        let badLabel = try handmadeCache("label.h5") { file in
            try latents(file)
            try file.createDataset("class_names", of: .string, shape: [0]).append(["a", "b"])
            try file.createDataset("labels", of: .int64, shape: [0]).append([1, 2] as [Int64])
        }
        assertOpeningFails(badLabel, with: "\(badLabel.relativePath): damaged latent cache: label 2 of row 1 is not "
                           + "one of the 2 classes (or −1)")
        let noClasses = try handmadeCache("classes.h5") { file in
            try latents(file)
            try file.createDataset("labels", of: .int64, shape: [0]).append([1, 0] as [Int64])
        }
        assertOpeningFails(noClasses, with: "\(noClasses.relativePath): no dataset 'class_names'")
        let noScale = try handmadeCache("scale.h5") { file in
            try latents(file)
            try file.setAttribute("scale_factor", Double.infinity)
        }
        assertOpeningFails(noScale, with: "\(noScale.relativePath): damaged latent cache: scale_factor is inf, "
                           + "expected a positive number")
    }

    func testReadsFromMemoryAndFromTheFileAgree() throws {
        let url = try builtCache()
        let inMemory = try LatentCache(contentsOf: url), fromFile = try LatentCache(contentsOf: url, memoryLimit: 0)
        XCTAssertTrue(inMemory.isInMemory)
        XCTAssertFalse(fromFile.isInMemory)
        let rows = [7, 0, 7, 3, 9]
        let all = try inMemory.latents(rows: Array(0..<10)).scalars, rowLength = 2 * 16 * 16
        let expected = rows.flatMap { all[$0 * rowLength..<($0 + 1) * rowLength] }
        XCTAssertEqual(try inMemory.latents(rows: rows).scalars, expected)
        XCTAssertEqual(try fromFile.latents(rows: rows).scalars, expected)
        XCTAssertEqual(try fromFile.latents(rows: rows).shape, [5, 2, 16, 16])
        XCTAssertEqual(try fromFile.posterior(rows: rows).logVariance.scalars,
                       try inMemory.posterior(rows: rows).logVariance.scalars)
    }

    func testAPosteriorSampleIsTheMeanPlusSigmaTimesNoise() throws {
        let cache = try LatentCache(contentsOf: try builtCache())
        let rows = [4, 1]
        var generator = SeededGenerator(seed: 9), replay = generator
        let sample = try cache.sample(rows: rows, using: &generator).scalars
        let (mean, logVariance) = try cache.posterior(rows: rows)
        let noise = Tensor.randomNormal(mean.shape, using: &replay).scalars
        let expected = zip(zip(mean.scalars, logVariance.scalars), noise).map { moments, epsilon in
            moments.0 + Foundation.exp(0.5 * moments.1) * epsilon
        }
        assertClose(sample, expected)
        XCTAssertEqual(generator, replay, "the sample draws exactly one normal per value")
    }

    func testIdentityChecksNameWhatDiffers() throws {
        let url = try builtCache()
        let cache = try LatentCache(contentsOf: url)
        let firstStage = tinyFirstStage(.kl)
        XCTAssertNoThrow(try cache.checkIdentity(LatentCacheIdentity(firstStage: firstStage, dataset: SyntheticImages(count: 10),
                                                                     transform: "none")))
        XCTAssertThrowsError(try cache.checkIdentity(LatentCacheIdentity(firstStage: firstStage,
                                                                         dataset: SyntheticImages(count: 12),
                                                                         transform: "none"))) { error in
            XCTAssertEqual("\(error)", "\(url.relativePath): latent cache of another dataset: made from synthetic "
                           + "(10 images), not synthetic (12 images); rebuild the cache for this dataset")
        }
        var otherFiles = cache.identity
        otherFiles.datasetFingerprint = String(repeating: "ab", count: 32)
        XCTAssertThrowsError(try cache.checkIdentity(otherFiles)) { error in
            XCTAssertTrue("\(error)".contains("made from other files or classes of synthetic (fingerprint "
                                              + "\(cache.identity.datasetFingerprint.prefix(12))…, this dataset's "
                                              + "abababababab…)"), "\(error)")
        }
        XCTAssertThrowsError(try cache.checkFirstStage(tinyFirstStage(.kl, seed: 5))) { error in
            guard case .identityMismatch(_, "first stage", _)? = error as? LatentCacheError else { return XCTFail("\(error)") }
        }
    }
}
