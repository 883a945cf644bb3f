import CHDF5

/// The element types of HDF5Store datasets.
public enum HDF5ElementType: String, Sendable {
    case float32
    case int64
    /// Variable-length UTF-8 strings (as h5py writes `str`).
    case string

    /// Bytes per element in the file: a variable-length string is stored as a 16-byte reference.
    var storedSize: Int {
        switch self {
        case .float32: 4
        case .int64: 8
        case .string: 16
        }
    }

    /// The type of a dataset's elements, or nil for a type HDF5Store does not read: any floating
    /// point type reads as float32, any integer type as int64 (HDF5 converts), strings must be
    /// variable-length.
    init?(storedType: hid_t) {
        switch H5Tget_class(storedType) {
        case H5T_FLOAT: self = .float32
        case H5T_INTEGER: self = .int64
        case H5T_STRING where H5Tis_variable_str(storedType) > 0: self = .string
        default: return nil
        }
    }

    /// Runs `body` with the HDF5 type of this element type in memory (also used in the file).
    func withMemoryType<R>(_ context: HDF5Context, _ body: (hid_t) throws -> R) throws -> R {
        switch self {
        case .float32: return try body(ldm_h5t_native_float())
        case .int64: return try body(ldm_h5t_native_int64())
        case .string: return try withVariableLengthStringType(context, body)
        }
    }
}

/// Runs `body` with a variable-length UTF-8 string type, closed afterwards.
func withVariableLengthStringType<R>(_ context: HDF5Context, _ body: (hid_t) throws -> R) throws -> R {
    let type = try context.call("making a string type") { H5Tcopy(ldm_h5t_c_s1()) }
    defer { H5Tclose(type) }
    try context.call("making a string type") { H5Tset_size(type, ldm_h5t_variable()) }
    try context.call("making a string type") { H5Tset_cset(type, H5T_CSET_UTF8) }
    return try body(type)
}
