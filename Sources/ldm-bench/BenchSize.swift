import TensorCore

/// The batch size and image resolution a case runs at. By default each case runs at BENCH.md's
/// shapes; `--batch` and `--image-size` run the same architectures at other sizes, with the same
/// meaning as Scripts/bench/torch_ref.py's options of the same names.
struct BenchSize {
    /// Samples per step; nil keeps each case's own batch.
    var batch: Int?
    /// Image side in pixels (BENCH.md: 64). The latent cases work on its f = 4 latents, so 64 gives
    /// their 16×16; the conv case's 32×32 map is half of it.
    var imageSize = 64
    /// The training cases cut each batch into this many shards run side by side, as the trainers'
    /// `train.shards` (default 2); 1 runs the batch as one pass with each op split between threads.
    var shards = defaultShardCount
    /// The UNet training cases recompute their blocks' activations in the backward pass (`use_checkpoint`).
    var useCheckpoint = false

    static let standard = BenchSize()

    func batch(default standardBatch: Int) -> Int { batch ?? standardBatch }

    /// The side of the f = 4 latents of an image of `imageSize`.
    var latentSize: Int { imageSize / 4 }

    /// Whether the image size is BENCH.md's, so figures copied from BENCH.md still apply.
    var hasStandardResolution: Bool { imageSize == BenchSize.standard.imageSize }
}
