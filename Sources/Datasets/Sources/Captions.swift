import Foundation

/// The captions of an image folder's files, from the two common conventions: `metadata.jsonl` files
/// (Hugging Face imagefolder: one `{"file_name": …, "text": …}` object per line, the name relative
/// to the metadata file's folder) and a `.txt` file beside an image with the same base name. A
/// metadata entry wins over a `.txt` file; surrounding white space is trimmed.
enum Captions {
    static let metadataFileName = "metadata.jsonl"

    /// The caption of each of `files` (paths relative to `root`), nil where there is none.
    static func read(root: URL, files: [String]) throws -> [String?] {
        var fromMetadata: [String: String] = [:]
        for folder in foldersHolding(files) {
            let metadata = root.appendingPathComponent(folder).appendingPathComponent(metadataFileName)
            guard FileManager.default.fileExists(atPath: metadata.path) else { continue }
            let entries = try metadataEntries(metadata, folder: folder, knownFiles: Set(files))
            fromMetadata.merge(entries) { _, newer in newer }
        }
        return files.map { file in
            if let caption = fromMetadata[file] { return caption }
            let textFile = root.appendingPathComponent((file as NSString).deletingPathExtension + ".txt")
            guard let text = try? String(contentsOf: textFile, encoding: .utf8) else { return nil }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Every folder that contains one of `files` at some depth, the root ("") first, parents before children.
    private static func foldersHolding(_ files: [String]) -> [String] {
        var folders: Set<String> = [""]
        for file in files {
            var folder = parentFolder(of: file)
            while !folder.isEmpty && folders.insert(folder).inserted {
                folder = parentFolder(of: folder)
            }
        }
        return folders.sorted()
    }

    /// "a/b/c.png" → "a/b", "c.png" → "". Not NSString's deletingLastPathComponent: on Linux it traps
    /// on paths with a one-character component (swift-corelibs-foundation, Swift 6.3).
    private static func parentFolder(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
    }

    /// The captions one metadata file gives, keyed by image path relative to the root.
    private static func metadataEntries(_ url: URL, folder: String, knownFiles: Set<String>) throws -> [String: String] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw DatasetError.malformedFile(path: url.path, message: "not readable as UTF-8 text")
        }
        var entries: [String: String] = [:]
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            func fail(_ why: String) -> DatasetError {
                .malformedFile(path: url.path, message: "line \(offset + 1): \(why)")
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw fail("not a JSON object")
            }
            guard let name = object["file_name"] as? String else { throw fail("no \"file_name\" string") }
            guard let caption = object["text"] as? String else { throw fail("no \"text\" string for \(name)") }
            let path = folder.isEmpty ? name : folder + "/" + name
            guard knownFiles.contains(path) else {
                throw fail("\(name) is not a JPEG or PNG file of the dataset")
            }
            entries[path] = caption.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return entries
    }
}
