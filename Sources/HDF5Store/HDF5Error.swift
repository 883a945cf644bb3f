/// A failed HDF5 operation, naming the file and the object (dataset or attribute) it concerns.
public struct HDF5Error: Error, Equatable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        /// The file is missing or cannot be read or created; holds the reason.
        case cannotOpen(String)
        /// The file exists but does not start with the HDF5 signature.
        case notHDF5
        case notFound
        case alreadyExists
        /// The object exists but its element type, shape or extent does not fit the request.
        case mismatch(String)
        /// HDF5 refused the operation; holds the operation and HDF5's innermost message.
        case failed(operation: String, detail: String)
    }

    /// The file's path as given.
    public var file: String
    /// What the error concerns, e.g. "dataset 'latents'"; nil for the file itself.
    public var object: String?
    public var problem: Problem

    public init(file: String, object: String?, problem: Problem) {
        self.file = file
        self.object = object
        self.problem = problem
    }

    public var description: String {
        let subject = object.map { "\(file): \($0)" } ?? file
        switch problem {
        case .cannotOpen(let reason): return "\(file): cannot open: \(reason)"
        case .notHDF5: return "\(file): not an HDF5 file"
        case .notFound: return object.map { "\(file): no \($0)" } ?? "\(file): not found"
        case .alreadyExists: return "\(subject) already exists"
        case .mismatch(let detail): return "\(subject): \(detail)"
        case .failed(let operation, let detail):
            return detail.isEmpty ? "\(subject): \(operation) failed" : "\(subject): \(operation) failed: \(detail)"
        }
    }
}
