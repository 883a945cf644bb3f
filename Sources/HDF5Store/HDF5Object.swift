import CHDF5

/// An open HDF5 file or dataset: what both have is an identifier, closed when the object goes, and
/// attributes (see HDF5Attributes.swift).
public class HDF5Object {
    let id: hid_t
    /// Names the file and this object in errors.
    let context: HDF5Context
    private let closeIdentifier: (hid_t) -> herr_t

    init(id: hid_t, context: HDF5Context, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.context = context
        self.closeIdentifier = close
    }

    deinit { _ = closeIdentifier(id) }
}
