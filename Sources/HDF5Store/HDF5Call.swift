import CHDF5

/// What an HDF5 call is about, so that its failure can name the file and the object.
struct HDF5Context {
    var file: String
    var object: String?

    func error(_ problem: HDF5Error.Problem) -> HDF5Error {
        HDF5Error(file: file, object: object, problem: problem)
    }

    /// Runs one HDF5 call whose negative result means failure (ids, `herr_t`, `htri_t`) and returns
    /// the result, or throws `.failed` with HDF5's innermost message. HDF5's own printing of the
    /// error stack is switched off first, on the calling thread.
    @discardableResult
    func call<Result: BinaryInteger>(_ operation: String, _ body: () -> Result) throws -> Result {
        ldm_h5_silence_errors()
        let result = body()
        guard result >= 0 else { throw error(.failed(operation: operation, detail: innermostMessage())) }
        return result
    }
}

/// The most specific message on this thread's HDF5 error stack, e.g. "file signature not found".
func innermostMessage() -> String {
    var text = [CChar](repeating: 0, count: 512)
    ldm_h5_innermost_error(&text, text.count)
    return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
