import Dispatch
import TensorCore

/// Reads the samples of one batch and stacks them; a value that the loader's background thread can
/// own (it holds the dataset and the seeds, never the loader).
struct BatchAssembler {
    let dataset: any ImageDataset
    let seeds: SampleSeeds
    /// Reads samples on up to this many threads.
    let threads: Int

    /// The batch at `position`, whose samples are `indices` (dataset indices), placed from `firstSlot` on
    /// in the epoch's order.
    func batch(at position: LoaderState, indices: [Int], firstSlot: Int) throws -> Batch {
        typealias Read = (sample: Sample, replaced: Bool)
        var results = [Result<Read, Error>?](repeating: nil, count: indices.count)
        results.withUnsafeMutableBufferPointer { slots in
            func read(_ i: Int) {
                slots[i] = Result { try readSample(index: indices[i], epoch: position.epoch, slot: firstSlot + i) }
            }
            if threads > 1 && indices.count > 1 {
                // Not parallelFor: it switches OpenBLAS to one thread process-wide, which must not happen
                // from this background thread while the training thread may be inside a BLAS call.
                DispatchQueue.concurrentPerform(iterations: indices.count, execute: read)
            } else {
                for i in indices.indices { read(i) }
            }
        }
        let read = try results.map { try $0!.get() }
        return try stacked(read.map(\.sample), position: position, replaced: read.filter(\.replaced).count)
    }

    /// The sample at `index`, or, when it is unreadable, at the next readable index (wrapping around);
    /// its augmentation generator depends only on the epoch and slot.
    private func readSample(index: Int, epoch: Int, slot: Int) throws -> (sample: Sample, replaced: Bool) {
        for offset in 0..<dataset.count {
            var generator = seeds.augmentation(epoch: epoch, slot: slot)
            do {
                return (try dataset.sample(at: (index + offset) % dataset.count, generator: &generator), offset > 0)
            } catch is UnreadableSample {
                continue
            }
        }
        throw DatasetError.nothingReadable(dataset: dataset.name, count: dataset.count)
    }

    private func stacked(_ samples: [Sample], position: LoaderState, replaced: Int) throws -> Batch {
        let first = samples[0]
        for sample in samples where sample.image.shape != first.image.shape {
            throw DatasetError.mismatchedShapes(source: sample.source, shape: sample.image.shape,
                                                firstSource: first.source, firstShape: first.image.shape)
        }
        let sampleSize = first.image.count
        let images = Tensor(shape: [samples.count] + first.image.shape) { output in
            for (i, sample) in samples.enumerated() {
                sample.image.withUnsafeScalars { values in
                    (output.baseAddress! + i * sampleSize).update(from: values.baseAddress!, count: sampleSize)
                }
            }
        }
        let labels = samples.compactMap(\.label)
        let captions = samples.contains { $0.caption != nil } ? samples.map { $0.caption ?? "" } : nil
        return Batch(images: images, labels: labels.count == samples.count ? labels : nil, captions: captions,
                     sources: samples.map(\.source), position: position, replacedSamples: replaced)
    }
}
