import Foundation

/// The files a dataset found unreadable, shared by every copy of the dataset and safe to use from
/// the loader's background thread; each file is warned about on standard error once.
final class SkippedFiles: @unchecked Sendable {
    private var files: [String] = []
    private var seen: Set<String> = []
    private let lock = NSLock()

    var all: [String] {
        lock.lock(); defer { lock.unlock() }
        return files
    }

    /// Records `file` and, the first time only, prints `message`, which names it, as a warning.
    func record(_ file: String, message: String) {
        lock.lock(); defer { lock.unlock() }
        guard seen.insert(file).inserted else { return }
        files.append(file)
        FileHandle.standardError.write(Data("warning: skipping an unreadable image: \(message)\n".utf8))
    }
}
