import Foundation

/// Writes the file at `url` so that readers see either the old file or the complete new one, also
/// after a crash: `write` fills a temporary file in the same folder, which is flushed to disk (fsync)
/// and renamed over `url`; the folder is then flushed so that the rename itself is durable.
/// - Throws: a description of the failing step; the temporary file is removed.
func writeAtomically(to url: URL, _ write: (FileHandle) throws -> Void) throws {
    let folder = url.deletingLastPathComponent()
    let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
        throw AtomicWriteError("cannot create \(temporary.path)")
    }
    do {
        let handle = try FileHandle(forWritingTo: temporary)
        do {
            try write(handle)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            throw AtomicWriteError("cannot rename \(temporary.lastPathComponent): \(String(cString: strerror(errno)))")
        }
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw error
    }
    synchronizeFolder(folder)
}

/// Flushes a folder's entries to disk (best effort: some file systems refuse fsync on folders).
private func synchronizeFolder(_ folder: URL) {
    let descriptor = open(folder.path, O_RDONLY)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    _ = close(descriptor)
}

/// A failed step of `writeAtomically`.
struct AtomicWriteError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
