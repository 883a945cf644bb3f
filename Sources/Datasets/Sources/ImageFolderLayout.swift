import Foundation

/// The image files of a folder and their class labels, by the ImageFolder convention: each
/// sub-folder holding images is a class (names sorted, label = position), its images found at any
/// depth; a folder without such sub-folders is unlabelled and its own images are the dataset.
struct ImageFolderLayout {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// Image paths relative to the root, sorted, grouped by class when labelled.
    let files: [String]
    /// `labels[i]` is the class of `files[i]`; nil when unlabelled.
    let labels: [Int]?
    let classNames: [String]

    /// Lists `root`; hidden files and folders (names starting with ".") are ignored.
    init(scanning root: URL) throws {
        let (looseImages, subfolders) = try Self.entries(of: root, relativePath: "")
        var classes: [(name: String, files: [String])] = []
        for folder in subfolders {
            let images = try Self.imagesBelow(root, relativePath: folder)
            if !images.isEmpty { classes.append((folder, images)) }
        }
        if let loose = looseImages.first, let firstClass = classes.first {
            throw DatasetError.mixedFolderLayout(folder: root.path, looseImage: loose, classFolder: firstClass.name)
        }
        if classes.isEmpty {
            guard !looseImages.isEmpty else { throw DatasetError.noImages(folder: root.path) }
            files = looseImages
            labels = nil
            classNames = []
        } else {
            files = classes.flatMap(\.files)
            labels = classes.enumerated().flatMap { label, entry in Array(repeating: label, count: entry.files.count) }
            classNames = classes.map(\.name)
        }
    }

    /// Every image in the folder at `relativePath` and in its sub-folders, as sorted relative paths.
    private static func imagesBelow(_ root: URL, relativePath: String) throws -> [String] {
        let (images, subfolders) = try entries(of: root, relativePath: relativePath)
        return try images + subfolders.flatMap { try imagesBelow(root, relativePath: $0) }
    }

    /// The image files and sub-folders directly inside one folder, as sorted paths relative to the root.
    private static func entries(of root: URL, relativePath: String) throws -> (images: [String], folders: [String]) {
        let folder = relativePath.isEmpty ? root : root.appendingPathComponent(relativePath)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw DatasetError.malformedFile(path: folder.path, message: "cannot list the folder: \(error.localizedDescription)")
        }
        var images: [String] = [], folders: [String] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = relativePath.isEmpty ? name : relativePath + "/" + name
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path,
                                                        isDirectory: &isFolder)
            if !exists { continue }  // a broken link
            if isFolder.boolValue {
                folders.append(path)
            } else if imageExtensions.contains((name as NSString).pathExtension.lowercased()) {
                images.append(path)
            }
        }
        return (images, folders)
    }
}
