import Foundation
import ImageIO
import TensorCore
import Visuals

/// The files of a sampling run in one folder: `grid.png`, each image as `NNNNNN.png`, and
/// `samples.jsonl` with one line per image.
struct SampleFiles {
    let output: URL

    /// Writes `images` [N, C, H, W] in [−1, 1]; returns the image files in order.
    func write(_ images: Tensor, conditions: Conditions?, classNames: [String], seeds: [UInt64], guidance: Double,
               steps: Int, columns: Int) throws -> [URL] {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var files: [URL] = []
        var lines = ""
        for index in 0..<images.shape[0] {
            let name = String(format: "%06d.png", index)
            let file = output.appendingPathComponent(name)
            try Image(tensor: images.sliced(axis: 0, range: index..<index + 1).squeezed(axis: 0)).write(to: file)
            files.append(file)
            var fields: [String: Any] = ["file": name, "seed": seeds[index], "guidance": guidance, "steps": steps]
            switch conditions {
            case .labels(let labels)?:
                fields["class"] = labels[index]
                if labels[index] < classNames.count { fields["class_name"] = classNames[labels[index]] }
            case .captions(let captions)?:
                fields["caption"] = captions[index]
            case nil:
                break
            }
            let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
            lines += String(decoding: data, as: UTF8.self) + "\n"
        }
        try lines.write(to: output.appendingPathComponent("samples.jsonl"), atomically: true, encoding: .utf8)
        try ImageGrid(columns: max(1, columns), scale: images.shape[2] < 64 ? 2 : 1)
            .write(images, to: output.appendingPathComponent("grid.png"))
        print("train-ldm: wrote \(files.count) images, \(output.appendingPathComponent("grid.png").path) and "
              + "\(output.appendingPathComponent("samples.jsonl").path)")
        return files
    }
}
