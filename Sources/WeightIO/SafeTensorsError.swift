import Foundation

/// Why a safetensors file could not be read or written: the file, and what was wrong with it.
public struct SafeTensorsError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public enum Problem: Equatable {
        /// The file could not be opened or read.
        case unreadable(reason: String)
        /// The file is shorter than the 8 bytes that hold the header length.
        case truncated(byteCount: Int)
        /// The header length points past the end of the file.
        case headerLengthPastEnd(headerLength: UInt64, fileByteCount: Int)
        /// The header is not the JSON object the format prescribes; `reason` says where it deviates.
        case invalidHeader(reason: String)
        /// A tensor has an element type this reader does not know.
        case unknownDType(tensor: String, dtype: String)
        /// A tensor's byte range is reversed or reaches past the end of the data.
        case offsetsOutOfRange(tensor: String, begin: Int, end: Int, dataByteCount: Int)
        /// Two tensors' byte ranges overlap.
        case overlappingTensors(String, String)
        /// A tensor's byte range does not hold exactly its shape's elements.
        case byteCountMismatch(tensor: String, shape: [Int], dtype: String, expected: Int, actual: Int)
        /// Writing, flushing or renaming the file failed.
        case unwritable(reason: String)
    }

    public var description: String {
        let what: String = switch problem {
        case .unreadable(let reason): "cannot be read: \(reason)"
        case .truncated(let byteCount): "is truncated: \(byteCount) bytes, fewer than the 8-byte header length"
        case .headerLengthPastEnd(let length, let size):
            "declares a \(length)-byte header, but the file has only \(size) bytes"
        case .invalidHeader(let reason): "has an invalid header: \(reason)"
        case .unknownDType(let tensor, let dtype): "has tensor \(tensor) of unknown dtype \(dtype)"
        case .offsetsOutOfRange(let tensor, let begin, let end, let count):
            "has tensor \(tensor) at bytes \(begin)..<\(end), outside the \(count) data bytes"
        case .overlappingTensors(let a, let b): "has overlapping tensors \(a) and \(b)"
        case .byteCountMismatch(let tensor, let shape, let dtype, let expected, let actual):
            "has tensor \(tensor) of shape \(shape) and dtype \(dtype) in \(actual) bytes instead of \(expected)"
        case .unwritable(let reason): "cannot be written: \(reason)"
        }
        return "safetensors file \(path) \(what)"
    }
}
