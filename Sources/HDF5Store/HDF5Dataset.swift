import CHDF5
import Foundation

/// A dataset of an `HDF5File`: an array of `shape` whose leading axis (the rows) can grow, read
/// and written a slab of whole rows at a time. Values are row-major, `rowLength` per row.
public final class HDF5Dataset: HDF5Object {
    public let name: String
    public let elementType: HDF5ElementType
    /// The file, kept open while the dataset is.
    public let file: HDF5File

    init(id: hid_t, name: String, elementType: HDF5ElementType, file: HDF5File, context: HDF5Context) {
        self.name = name
        self.elementType = elementType
        self.file = file
        super.init(id: id, context: context, close: H5Dclose)
    }

    /// The current shape: rows first.
    public var shape: [Int] {
        let space = H5Dget_space(id)
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        precondition(rank >= 0, "HDF5Dataset.shape: HDF5 cannot read the shape of \(context.object ?? name)")
        var size = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(space, &size, nil)
        return size.map { Int($0) }
    }

    public var rowCount: Int { shape.first ?? 0 }

    /// Elements per row: the product of the shape after the leading axis.
    public var rowLength: Int { shape.dropFirst().reduce(1, *) }

    /// Grows (or shrinks) the leading axis to `count` rows; new rows read as zero or "".
    public func extend(toRows count: Int) throws {
        precondition(count >= 0, "HDF5Dataset.extend: \(count) rows")
        var size = shape.map { hsize_t($0) }
        size[0] = hsize_t(count)
        try context.call("resizing it to \(count) rows") { H5Dset_extent(id, size) }
    }

    // MARK: Writing

    /// Writes `values` (whole rows, row-major) over the rows starting at `row`, which must exist.
    public func write(_ values: [Float], atRow row: Int) throws { try writeNumbers(values, .float32, atRow: row) }
    public func write(_ values: [Int64], atRow row: Int) throws { try writeNumbers(values, .int64, atRow: row) }

    /// Writes `values` over the rows starting at `row`. Each string is stored up to its first NUL.
    public func write(_ values: [String], atRow row: Int) throws {
        let rows = try checkedRows(count: values.count, startingAt: row, as: .string)
        let strings = values.map { strdup($0) }
        defer { strings.forEach { free($0) } }
        try withSelection(rows, "writing rows \(rows)") { memorySpace, fileSpace in
            try withVariableLengthStringType(context) { type in
                try context.call("writing rows \(rows)") {
                    H5Dwrite(id, type, memorySpace, fileSpace, ldm_h5p_default(), strings)
                }
            }
        }
    }

    /// Adds `values` (whole rows) after the last row; returns the rows they now occupy.
    @discardableResult
    public func append(_ values: [Float]) throws -> Range<Int> { try append(count: values.count) { try write(values, atRow: $0) } }
    @discardableResult
    public func append(_ values: [Int64]) throws -> Range<Int> { try append(count: values.count) { try write(values, atRow: $0) } }
    @discardableResult
    public func append(_ values: [String]) throws -> Range<Int> { try append(count: values.count) { try write(values, atRow: $0) } }

    // MARK: Reading

    /// The values of `rows` (all rows when nil), row-major.
    public func readFloats(rows: Range<Int>? = nil) throws -> [Float] { try readNumbers(rows, .float32) }
    public func readInt64s(rows: Range<Int>? = nil) throws -> [Int64] { try readNumbers(rows, .int64) }

    public func readStrings(rows: Range<Int>? = nil) throws -> [String] {
        let rows = try checkedRows(rows ?? 0..<rowCount, as: .string)
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: rows.count * rowLength)
        try withSelection(rows, "reading rows \(rows)") { memorySpace, fileSpace in
            try withVariableLengthStringType(context) { type in
                try context.call("reading rows \(rows)") {
                    H5Dread(id, type, memorySpace, fileSpace, ldm_h5p_default(), &pointers)
                }
            }
        }
        defer { pointers.forEach { H5free_memory($0) } }
        return pointers.map { $0.map { String(cString: $0) } ?? "" }
    }

    // MARK: Slabs of rows

    private func writeNumbers<T: Numeric>(_ values: [T], _ type: HDF5ElementType, atRow row: Int) throws {
        let rows = try checkedRows(count: values.count, startingAt: row, as: type)
        try withSelection(rows, "writing rows \(rows)") { memorySpace, fileSpace in
            try type.withMemoryType(context) { memoryType in
                try values.withUnsafeBytes { bytes in
                    try context.call("writing rows \(rows)") {
                        H5Dwrite(id, memoryType, memorySpace, fileSpace, ldm_h5p_default(), bytes.baseAddress)
                    }
                }
            }
        }
    }

    private func readNumbers<T: Numeric>(_ rows: Range<Int>?, _ type: HDF5ElementType) throws -> [T] {
        let rows = try checkedRows(rows ?? 0..<rowCount, as: type)
        var values = [T](repeating: .zero, count: rows.count * rowLength)
        try withSelection(rows, "reading rows \(rows)") { memorySpace, fileSpace in
            try type.withMemoryType(context) { memoryType in
                try values.withUnsafeMutableBytes { bytes in
                    try context.call("reading rows \(rows)") {
                        H5Dread(id, memoryType, memorySpace, fileSpace, ldm_h5p_default(), bytes.baseAddress)
                    }
                }
            }
        }
        return values
    }

    private func append(count: Int, _ write: (Int) throws -> Void) throws -> Range<Int> {
        let start = rowCount
        precondition(count % rowLength == 0,
                     "HDF5Dataset.append: \(count) values are not whole rows of \(rowLength) (\(name), shape \(shape))")
        try extend(toRows: start + count / rowLength)
        do {
            try write(start)
        } catch {
            try? extend(toRows: start)  // leave no half-written rows behind
            throw error
        }
        return start..<start + count / rowLength
    }

    /// The rows that `count` values written at `row` cover, after checking type and extent.
    private func checkedRows(count: Int, startingAt row: Int, as type: HDF5ElementType) throws -> Range<Int> {
        precondition(count % rowLength == 0,
                     "HDF5Dataset.write: \(count) values are not whole rows of \(rowLength) (\(name), shape \(shape))")
        return try checkedRows(row..<row + count / rowLength, as: type)
    }

    private func checkedRows(_ rows: Range<Int>, as type: HDF5ElementType) throws -> Range<Int> {
        guard type == elementType else {
            throw context.error(.mismatch("holds \(elementType.rawValue), not \(type.rawValue)"))
        }
        let count = rowCount
        guard rows.lowerBound >= 0, rows.upperBound <= count else {
            throw context.error(.mismatch("rows \(rows.lowerBound)..<\(rows.upperBound) are outside its \(count) rows"))
        }
        return rows
    }

    /// Runs `body(memorySpace, fileSpace)` with `rows` selected in the file, unless `rows` is empty.
    private func withSelection(_ rows: Range<Int>, _ operation: String,
                               _ body: (hid_t, hid_t) throws -> Void) throws {
        guard !rows.isEmpty else { return }
        let shape = self.shape
        var start = [hsize_t](repeating: 0, count: shape.count)
        start[0] = hsize_t(rows.lowerBound)
        var count = shape.map { hsize_t($0) }
        count[0] = hsize_t(rows.count)
        let fileSpace = try context.call(operation) { H5Dget_space(id) }
        defer { H5Sclose(fileSpace) }
        try context.call(operation) { H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nil, count, nil) }
        let memorySpace = try context.call(operation) { H5Screate_simple(Int32(count.count), count, nil) }
        defer { H5Sclose(memorySpace) }
        try body(memorySpace, fileSpace)
    }
}
