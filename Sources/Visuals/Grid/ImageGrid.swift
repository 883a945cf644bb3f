import Foundation
import ImageIO
import TensorCore

/// Lays out a batch of images [N, C, H, W] in [−1, 1] as one picture: rows of `columns` tiles with
/// `padding` pixels between and around them, each tile enlarged `scale` times (nearest neighbour)
/// so that tiny images (28×28, 32×32) are visible. Grey batches give grey PNGs, RGB batches RGB ones.
///
/// Comparisons place originals and their reconstructions side by side (`.interleaved`) or a row of
/// originals above the row of their reconstructions (`.rowPairs`), with a wider gap between pairs
/// than within them (max(2, padding) pixels wider).
public struct ImageGrid: Sendable {
    /// How originals and reconstructions are arranged in a comparison.
    public enum ComparisonLayout: Sendable {
        /// Each original directly followed by its reconstruction: `columns` pairs per row.
        case interleaved
        /// `columns` originals in one row, their reconstructions in the row below.
        case rowPairs
    }

    /// Images per row (pairs per row in an interleaved comparison).
    public var columns: Int
    /// Pixels between tiles and around the grid.
    public var padding: Int
    /// The integer factor each image is enlarged by.
    public var scale: Int
    /// The grey level of the padding (0 black … 255 white).
    public var paddingLevel: UInt8

    public init(columns: Int = 8, padding: Int = 2, scale: Int = 1, paddingLevel: UInt8 = 128) {
        self.columns = columns
        self.padding = padding
        self.scale = scale
        self.paddingLevel = paddingLevel
    }

    /// The batch's images in rows of `columns` (the last row may be shorter).
    public func image(of batch: Tensor) throws -> Image {
        try validateSettings()
        let tiles = try TileSet(batch, name: "images")
        let cells = (0..<tiles.count).map { GridCell(row: $0 / columns, column: $0 % columns, source: 0, tile: $0) }
        return compose(cells, from: [tiles], pairing: .none)
    }

    /// Originals and their reconstructions (two batches of one shape) side by side.
    public func comparison(originals: Tensor, reconstructions: Tensor,
                           layout: ComparisonLayout = .rowPairs) throws -> Image {
        try validateSettings()
        let sources = [try TileSet(originals, name: "originals"), try TileSet(reconstructions, name: "reconstructions")]
        guard originals.shape == reconstructions.shape else {
            throw GridError.shapeMismatch(originals: originals.shape, reconstructions: reconstructions.shape)
        }
        var cells: [GridCell] = []
        for image in 0..<sources[0].count {
            let (group, position) = (image / columns, image % columns)
            for source in 0..<2 {
                cells.append(layout == .interleaved
                    ? GridCell(row: group, column: 2 * position + source, source: source, tile: image)
                    : GridCell(row: 2 * group + source, column: position, source: source, tile: image))
            }
        }
        return compose(cells, from: sources, pairing: layout == .interleaved ? .columns : .rows)
    }

    /// Writes `image(of: batch)` as a PNG file.
    public func write(_ batch: Tensor, to url: URL) throws {
        try image(of: batch).write(to: url)
    }

    /// Writes `comparison(originals:reconstructions:layout:)` as a PNG file.
    public func writeComparison(originals: Tensor, reconstructions: Tensor, layout: ComparisonLayout = .rowPairs,
                                to url: URL) throws {
        try comparison(originals: originals, reconstructions: reconstructions, layout: layout).write(to: url)
    }

    private func validateSettings() throws {
        if columns < 1 { throw GridError.invalidSetting(name: "columns", value: columns, expected: "at least 1") }
        if padding < 0 { throw GridError.invalidSetting(name: "padding", value: padding, expected: "0 or more") }
        if scale < 1 || scale > 64 {
            throw GridError.invalidSetting(name: "scale", value: scale, expected: "from 1 to 64")
        }
    }

    /// Which neighbouring cells form pairs, set apart by a wider gap.
    private enum Pairing { case none, rows, columns }

    /// Paints each cell's tile, enlarged, into a picture just big enough for the used rows and columns.
    private func compose(_ cells: [GridCell], from sources: [TileSet], pairing: Pairing) -> Image {
        let first = sources[0]
        let (tileWidth, tileHeight, channels) = (first.width * scale, first.height * scale, first.channels)
        let pairGap = max(2, padding)  // added to the padding between two pairs
        // The first pixel of cell `index` along one axis. For index = count it is the picture's extent,
        // plus one pair gap too many when that axis is paired (paired axes have an even count).
        func start(_ index: Int, tile: Int, paired: Bool) -> Int {
            padding + index * (tile + padding) + (paired ? index / 2 * pairGap : 0)
        }
        let rows = cells.map(\.row).max()! + 1, columns = cells.map(\.column).max()! + 1
        let width = start(columns, tile: tileWidth, paired: pairing == .columns) - (pairing == .columns ? pairGap : 0)
        let height = start(rows, tile: tileHeight, paired: pairing == .rows) - (pairing == .rows ? pairGap : 0)
        var pixels = [UInt8](repeating: paddingLevel, count: width * height * channels)
        pixels.withUnsafeMutableBufferPointer { pixels in
            for cell in cells {
                let tiles = sources[cell.source]
                let left = start(cell.column, tile: tileWidth, paired: pairing == .columns)
                let top = start(cell.row, tile: tileHeight, paired: pairing == .rows)
                for y in 0..<tileHeight {
                    for x in 0..<tileWidth {
                        let source = tiles.offset(tile: cell.tile, x: x / scale, y: y / scale)
                        let target = ((top + y) * width + left + x) * channels
                        for channel in 0..<channels { pixels[target + channel] = tiles.bytes[source + channel] }
                    }
                }
            }
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }
}

/// One tile's place: row and column in the grid, which batch (0 or 1) and which image of it.
private struct GridCell {
    let row: Int
    let column: Int
    let source: Int
    let tile: Int
}
