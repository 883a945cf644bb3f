import TensorCore

/// Two image batches [N, C, H, W] in [−1, 1], checked to match, and the region of each image that
/// metrics measure (the whole image unless a crop is given).
struct ImagePairBatch {
    let originals: Tensor
    let reconstructions: Tensor
    let imageCount: Int
    let channels: Int
    let imageHeight: Int
    let imageWidth: Int
    let region: CropRegion

    init(originals: Tensor, reconstructions: Tensor, crop: CropRegion?) throws {
        for (name, batch) in [("originals", originals), ("reconstructions", reconstructions)] {
            let shape = batch.shape
            guard shape.count == 4, shape[1] > 0, shape[2] > 0, shape[3] > 0 else {
                throw MetricsError.notAnImageBatch(name: name, shape: shape)
            }
        }
        guard originals.shape == reconstructions.shape else {
            throw MetricsError.shapeMismatch(originals: originals.shape, reconstructions: reconstructions.shape)
        }
        let shape = originals.shape
        let whole = CropRegion(top: 0, left: 0, height: shape[2], width: shape[3])
        if let crop, !crop.fits(height: shape[2], width: shape[3]) {
            throw MetricsError.cropOutsideImage(crop, imageHeight: shape[2], imageWidth: shape[3])
        }
        self.originals = originals
        self.reconstructions = reconstructions
        (imageCount, channels, imageHeight, imageWidth) = (shape[0], shape[1], shape[2], shape[3])
        region = crop ?? whole
    }

    /// The number of values `copyUnitPlanes` writes per image: channels × region height × region width.
    var valuesPerImage: Int { channels * region.height * region.width }

    /// Copies image `index`'s region of both batches, mapped from [−1, 1] to [0, 1] by (x + 1) / 2 and
    /// clipped to [0, 1] (as the image would be saved), into `original` and `reconstruction`, each
    /// `valuesPerImage` doubles laid out [C, height, width].
    ///
    /// Returns the name of the batch holding a NaN or infinity in that image, or nil.
    func copyUnitPlanes(image index: Int, original: UnsafeMutablePointer<Double>,
                        reconstruction: UnsafeMutablePointer<Double>) -> String? {
        let badOriginal = copyUnitPlane(originals, image: index, to: original)
        let badReconstruction = copyUnitPlane(reconstructions, image: index, to: reconstruction)
        return badOriginal ? "originals" : badReconstruction ? "reconstructions" : nil
    }

    /// Copies one image's region of `batch` to `target` as clipped unit values; true if any value is not finite.
    private func copyUnitPlane(_ batch: Tensor, image index: Int, to target: UnsafeMutablePointer<Double>) -> Bool {
        batch.withUnsafeScalars { scalars in
            var nonFinite = false
            var written = 0
            for channel in 0..<channels {
                for row in region.top..<region.top + region.height {
                    let start = ((index * channels + channel) * imageHeight + row) * imageWidth + region.left
                    for column in 0..<region.width {
                        let value = scalars[start + column]
                        nonFinite = nonFinite || !value.isFinite
                        target[written] = min(max((Double(value) + 1) * 0.5, 0), 1)
                        written += 1
                    }
                }
            }
            return nonFinite
        }
    }
}
