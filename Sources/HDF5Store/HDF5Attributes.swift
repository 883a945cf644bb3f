import CHDF5
import Foundation

/// Scalar attributes of a file (its root group) or a dataset: strings (variable-length UTF-8),
/// floats (stored as float64) and integers (stored as int64). Setting one replaces any old value.
extension HDF5Object {
    public func setAttribute(_ name: String, _ value: String) throws {
        let context = attributeContext(name)
        let string = strdup(value)
        defer { free(string) }
        try withVariableLengthStringType(context) { type in
            try withUnsafePointer(to: string) { try writeAttribute(name, type: type, value: $0) }
        }
    }

    public func setAttribute(_ name: String, _ value: Double) throws {
        try withUnsafePointer(to: value) { try writeAttribute(name, type: ldm_h5t_native_double(), value: $0) }
    }

    public func setAttribute(_ name: String, _ value: Int) throws {
        try withUnsafePointer(to: Int64(value)) { try writeAttribute(name, type: ldm_h5t_native_int64(), value: $0) }
    }

    public func hasAttribute(_ name: String) -> Bool {
        ldm_h5_silence_errors()
        return H5Aexists(id, name) > 0
    }

    public func stringAttribute(_ name: String) throws -> String {
        let context = attributeContext(name)
        var string: UnsafeMutablePointer<CChar>?
        try withVariableLengthStringType(context) { type in
            try readAttribute(name, kind: H5T_STRING, kindName: "a string", type: type, into: &string)
        }
        defer { H5free_memory(string) }
        return string.map { String(cString: $0) } ?? ""
    }

    public func doubleAttribute(_ name: String) throws -> Double {
        var value = 0.0
        try readAttribute(name, kind: H5T_FLOAT, kindName: "a float", type: ldm_h5t_native_double(), into: &value)
        return value
    }

    public func intAttribute(_ name: String) throws -> Int {
        var value: Int64 = 0
        try readAttribute(name, kind: H5T_INTEGER, kindName: "an integer", type: ldm_h5t_native_int64(), into: &value)
        return Int(value)
    }

    private func attributeContext(_ name: String) -> HDF5Context {
        HDF5Context(file: context.file, object: context.object.map { "attribute '\(name)' of \($0)" } ?? "attribute '\(name)'")
    }

    private func writeAttribute(_ name: String, type: hid_t, value: UnsafeRawPointer) throws {
        let context = attributeContext(name)
        if try context.call("looking it up", { H5Aexists(id, name) }) > 0 {
            try context.call("replacing it") { H5Adelete(id, name) }
        }
        let space = try context.call("creating its dataspace") { H5Screate(H5S_SCALAR) }
        defer { H5Sclose(space) }
        let attribute = try context.call("creating it") {
            H5Acreate2(id, name, type, space, ldm_h5p_default(), ldm_h5p_default())
        }
        defer { H5Aclose(attribute) }
        try context.call("writing it") { H5Awrite(attribute, type, value) }
    }

    /// Reads the scalar attribute `name`, whose stored type must be of class `kind`, as `type`.
    private func readAttribute(_ name: String, kind: H5T_class_t, kindName: String, type: hid_t,
                               into value: UnsafeMutableRawPointer) throws {
        let context = attributeContext(name)
        guard try context.call("looking it up", { H5Aexists(id, name) }) > 0 else {
            throw context.error(.notFound)
        }
        let attribute = try context.call("opening it") { H5Aopen(id, name, ldm_h5p_default()) }
        defer { H5Aclose(attribute) }
        let storedType = try context.call("reading its type") { H5Aget_type(attribute) }
        defer { H5Tclose(storedType) }
        let storedKind = H5Tget_class(storedType)
        guard storedKind == kind, kind != H5T_STRING || H5Tis_variable_str(storedType) > 0 else {
            throw context.error(.mismatch("is not \(kindName)\(kind == H5T_STRING ? " of variable length" : "")"))
        }
        try context.call("reading it") { H5Aread(attribute, type, value) }
    }
}
