import CHDF5
import Foundation

/// An open HDF5 file holding chunked float32, int64 and string datasets, and attributes.
///
/// Closed when the last reference to it and to its datasets goes. Dataset names may be paths
/// ("latents/train"): missing groups are created. Debian's libhdf5 is built thread-safe, so
/// different threads may use different files; one file is not meant for concurrent writers.
public final class HDF5File: HDF5Object {
    /// Creates the file at `url`, replacing any file there, open for writing.
    public static func create(at url: URL) throws -> HDF5File {
        let context = HDF5Context(file: displayName(url), object: nil)
        ldm_h5_silence_errors()
        let id = H5Fcreate(url.path, ldm_h5f_acc_trunc(), ldm_h5p_default(), ldm_h5p_default())
        guard id >= 0 else { throw context.error(.cannotOpen(innermostMessage())) }
        return HDF5File(id: id, context: context, close: H5Fclose)
    }

    /// Opens the existing HDF5 file at `url`, read-only unless `writable`.
    public static func open(_ url: URL, writable: Bool = false) throws -> HDF5File {
        let context = HDF5Context(file: displayName(url), object: nil)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw context.error(.cannotOpen("no such file"))
        }
        ldm_h5_silence_errors()
        let signature = H5Fis_hdf5(url.path)
        if signature == 0 { throw context.error(.notHDF5) }
        let id = signature < 0 ? -1 : H5Fopen(url.path, writable ? ldm_h5f_acc_rdwr() : ldm_h5f_acc_rdonly(),
                                               ldm_h5p_default())
        guard id >= 0 else { throw context.error(.cannotOpen(innermostMessage())) }
        return HDF5File(id: id, context: context, close: H5Fclose)
    }

    /// Whether the file has an object (dataset or group) at `path`.
    public func contains(_ path: String) -> Bool {
        ldm_h5_silence_errors()
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += prefix.isEmpty ? String(component) : "/\(component)"
            if H5Lexists(id, prefix, ldm_h5p_default()) <= 0 { return false }
        }
        return !prefix.isEmpty
    }

    /// Creates a chunked dataset whose leading axis (the rows) can grow: `shape[0]` rows to start
    /// with (0 to fill it by appending), each of shape `shape[1...]`.
    ///
    /// A chunk holds whole rows, `rowsPerChunk` of them; by default one row when a row is 16 KiB
    /// or more (a latent), else as many rows as fill 16 KiB (labels, captions).
    public func createDataset(_ name: String, of type: HDF5ElementType, shape: [Int],
                              rowsPerChunk: Int? = nil) throws -> HDF5Dataset {
        precondition(!shape.isEmpty && shape[0] >= 0 && shape.dropFirst().allSatisfy { $0 > 0 },
                     "HDF5File.createDataset: shape \(shape) needs rows ≥ 0 and non-empty rows")
        let context = HDF5Context(file: self.context.file, object: "dataset '\(name)'")
        if contains(name) { throw context.error(.alreadyExists) }
        let rowBytes = shape.dropFirst().reduce(1, *) * type.storedSize
        let size = shape.map { hsize_t($0) }
        var maximumSize = size
        maximumSize[0] = ldm_h5s_unlimited()
        var chunk = size
        chunk[0] = hsize_t(rowsPerChunk ?? max(1, 16384 / rowBytes))

        let space = try context.call("creating its dataspace") { H5Screate_simple(Int32(size.count), size, maximumSize) }
        defer { H5Sclose(space) }
        let layout = try context.call("creating its layout") { H5Pcreate(ldm_h5p_dataset_create()) }
        defer { H5Pclose(layout) }
        try context.call("setting its chunks to \(chunk)") { H5Pset_chunk(layout, Int32(chunk.count), chunk) }
        let links = try context.call("creating its link properties") { H5Pcreate(ldm_h5p_link_create()) }
        defer { H5Pclose(links) }
        try context.call("allowing missing groups") { H5Pset_create_intermediate_group(links, 1) }
        let dataset = try type.withMemoryType(context) { storedType in
            try context.call("creating it") {
                H5Dcreate2(id, name, storedType, space, links, layout, ldm_h5p_default())
            }
        }
        return HDF5Dataset(id: dataset, name: name, elementType: type, file: self, context: context)
    }

    /// The existing dataset `name`.
    public func dataset(_ name: String) throws -> HDF5Dataset {
        let context = HDF5Context(file: self.context.file, object: "dataset '\(name)'")
        guard contains(name) else { throw context.error(.notFound) }
        let dataset = try context.call("opening it") { H5Dopen2(id, name, ldm_h5p_default()) }
        let storedType = H5Dget_type(dataset)
        defer { if storedType >= 0 { H5Tclose(storedType) } }
        guard storedType >= 0, let type = HDF5ElementType(storedType: storedType) else {
            H5Dclose(dataset)
            throw context.error(.mismatch("its element type is not float, integer or variable-length string"))
        }
        return HDF5Dataset(id: dataset, name: name, elementType: type, file: self, context: context)
    }

    /// Writes everything buffered to the file.
    public func flush() throws {
        try context.call("flushing") { H5Fflush(id, H5F_SCOPE_GLOBAL) }
    }
}

/// A file URL's path as given (relative stays relative), for messages.
func displayName(_ url: URL) -> String { url.isFileURL ? url.relativePath : url.absoluteString }
