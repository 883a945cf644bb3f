import FontIO
import Foundation
import ImageIO
import TensorCore

/// Noto Color Emoji as a captioned, labelled image dataset: every named emoji (emoji-test.txt)
/// that the font has a bitmap for, one split of `EmojiSplit`.
///
/// Each sample is the emoji's bitmap composited on white, padded to a white square and shrunk to
/// `imageSize` × `imageSize` RGB (see `Image(emojiPNG:size:name:)`); its caption is the emoji's
/// name, or "name, group, subgroup"; its label is its group or its subgroup (`labels`; `classNames`
/// are those names, in file order), so a classifier can learn either; `subgroup(at:)` gives its
/// subgroup whatever the labels. The images are decoded once, when the dataset is made (both cores
/// share the work).
public struct EmojiDataset: ImageDataset {
    public enum CaptionStyle: String, Codable, Sendable, CaseIterable {
        /// "grinning face"
        case name
        /// "grinning face, Smileys & Emotion, face-smiling"
        case nameGroupSubgroup = "name-group-subgroup"
    }

    /// What a sample's label is: its group (9 of them) or its subgroup (about 100).
    public enum LabelLevel: String, Codable, Sendable, CaseIterable {
        case group
        case subgroup
    }

    /// Sizes from 8 pixels up to the bitmaps' 136 (32 and 64 are the intended ones).
    public static let imageSizes = 8...136

    public let split: EmojiSplit
    public let imageSize: Int
    public let captionStyle: CaptionStyle
    public let labels: LabelLevel
    /// The emoji of this split, in the names file's order.
    public let entries: [EmojiCatalog.Entry]
    public let classNames: [String]
    public let subgroupNames: [String]
    /// What matching the names to the font found (the same for both splits).
    public let report: EmojiLoadReport
    private let images: [Image]

    public var name: String { "emoji \(split.rawValue)" }
    public var count: Int { entries.count }
    public var channels: Int { 3 }

    /// The emoji of `split` from `catalog`, decoded at `imageSize`.
    public init(catalog: EmojiCatalog, split: EmojiSplit, imageSize: Int = 64, captions: CaptionStyle = .name,
                labels: LabelLevel = .group) throws {
        guard Self.imageSizes.contains(imageSize) else {
            throw DatasetError.invalidParameter(name: "emoji image size", value: imageSize, expected: "8 to 136")
        }
        let splits = EmojiSplit.assign(catalog.entries)
        entries = zip(catalog.entries, splits).filter { $0.1 == split }.map(\.0)
        self.split = split
        self.imageSize = imageSize
        captionStyle = captions
        self.labels = labels
        classNames = labels == .group ? catalog.groups : catalog.subgroups
        subgroupNames = catalog.subgroups
        report = catalog.report
        images = try Self.decode(entries, font: catalog.font, size: imageSize)
    }

    /// Reads the font and names from their files, then makes the split's dataset.
    public init(split: EmojiSplit, imageSize: Int = 64, captions: CaptionStyle = .name, labels: LabelLevel = .group,
                fontFile: URL = EmojiFont.defaultFile, namesFile: URL = EmojiNames.defaultFile) throws {
        try self.init(catalog: try EmojiCatalog(fontFile: fontFile, namesFile: namesFile), split: split,
                      imageSize: imageSize, captions: captions, labels: labels)
    }

    public func sample(at index: Int, generator: inout SeededGenerator) throws -> Sample {
        precondition((0..<count).contains(index), "\(name): index \(index) outside 0..<\(count)")
        let label = labels == .group ? entries[index].group : entries[index].subgroup
        return Sample(image: Tensor(image: images[index]), label: label, caption: caption(at: index),
                      source: "\(name) #\(index) (\(entries[index].emoji.name))")
    }

    /// The caption of sample `index`, in `captionStyle`.
    public func caption(at index: Int) -> String {
        let emoji = entries[index].emoji
        switch captionStyle {
        case .name: return emoji.name
        case .nameGroupSubgroup: return "\(emoji.name), \(emoji.group), \(emoji.subgroup)"
        }
    }

    /// The subgroup of sample `index`, an index into `subgroupNames`.
    public func subgroup(at index: Int) -> Int { entries[index].subgroup }

    /// The prepared image of every entry, decoded in 64 fixed chunks spread over the cores.
    private static func decode(_ entries: [EmojiCatalog.Entry], font: EmojiFont, size: Int) throws -> [Image] {
        let chunks = 64
        var results = [Result<Image, Error>?](repeating: nil, count: entries.count)
        results.withUnsafeMutableBufferPointer { slots in
            parallelFor(chunks) { chunk in
                for index in stride(from: chunk, to: entries.count, by: chunks) {
                    slots[index] = Result { try image(of: entries[index], font: font, size: size) }
                }
            }
        }
        return try results.map { try $0!.get() }
    }

    private static func image(of entry: EmojiCatalog.Entry, font: EmojiFont, size: Int) throws -> Image {
        let name = "\(font.file.name) glyph \(entry.glyph) (\(entry.emoji.name))"
        guard let bitmap = try font.bitmap(forGlyph: entry.glyph) else {
            preconditionFailure("\(name): the catalog lists it, but it has no bitmap")
        }
        return try Image(emojiPNG: bitmap.png, size: size, name: name)
    }
}
