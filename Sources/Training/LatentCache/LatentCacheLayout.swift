/// The names of the datasets and attributes of a latent cache file; docs/latent-cache.md describes
/// what each holds.
enum LatentCacheLayout {
    /// The value of the `format` attribute of every swift-ldm latent cache.
    static let format = "swift-ldm-latent-cache/1"

    enum Dataset {
        /// float32 [N, C, h, w]: the deterministic latents (KL posterior mean, VQ pre-quantisation).
        static let latents = "latents"
        /// float32 [N, C, h, w], KL only: the posterior mean (equal to `latents`) and log-variance.
        static let mean = "mean"
        static let logVariance = "logvar"
        /// int64 [N], when the dataset has classes (−1 for a sample without a label).
        static let labels = "labels"
        /// string [classes], when the dataset has classes.
        static let classNames = "class_names"
        /// string [N], when some sample has a caption ("" for the others).
        static let captions = "captions"
        /// The datasets with one row per sample.
        static let perRow = [latents, mean, logVariance, labels, captions]
    }

    enum Attribute {
        static let format = "format"
        /// 1 when every sample is encoded and `scale_factor` is stored, else 0.
        static let complete = "complete"
        /// The rows written so far (all of them once complete).
        static let count = "count"
        static let firstStageSHA256 = "first_stage_sha256"
        static let firstStageKind = "first_stage_kind"
        static let datasetFingerprint = "dataset_fingerprint"
        static let datasetName = "dataset_name"
        /// The number of samples of the dataset: the rows of a complete cache.
        static let datasetCount = "dataset_count"
        static let transform = "transform"
        /// 1 / std of all values of `latents` (float64), stored once complete.
        static let scaleFactor = "scale_factor"
    }
}
