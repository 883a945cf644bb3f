import Datasets

/// Where the images come from and how they are prepared, shared by `train-ae` and `train-ldm`.
public struct DataConfig: Codable, Equatable {
    public enum Source: String, Codable {
        /// Debian's dataset-fashion-mnist; train = 60,000, held out = the 10,000 t10k images.
        case fashionMNIST = "fashion-mnist"
        /// The committed photo list (datasets/photos.txt) over Debian's opencv-doc photographs, random crops.
        case photos
        /// The user's folders of images: `path` to train on, `heldout_path` to evaluate on.
        case folder
        /// Noto Color Emoji's pictures named by emoji-test.txt (Debian's fonts-noto-color-emoji and
        /// unicode-data), captioned, labelled by group; a fixed 10% held out.
        case emoji
    }

    public var source = Source.fashionMNIST
    /// Training images (folder source).
    public var path = ""
    /// Held-out images (folder source); empty uses no held-out set.
    public var heldoutPath = ""
    /// Image channels: 1 (grey) or 3 (RGB).
    public var channels = 1
    /// Side of the square training images: crops for photos, resize + crop for folders.
    public var imageSize = 32
    /// Probability of a horizontal flip in training.
    public var flipProbability: Float = 0
    /// Emoji only: each image's caption, `name` or `name-group-subgroup`.
    public var captions = EmojiDataset.CaptionStyle.name
    /// Emoji only: each image's label, its `group` or its `subgroup` (what the image judge learns).
    public var labels = EmojiDataset.LabelLevel.group

    public init() {}
}
