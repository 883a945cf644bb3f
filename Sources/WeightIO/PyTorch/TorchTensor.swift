import Foundation
import TensorCore

/// The raw little-endian bytes of one storage of a checkpoint, shared by every tensor that views it.
final class TorchStorage: Sendable {
    let key: String
    let dtype: TorchDType
    let bytes: Data

    init(key: String, dtype: TorchDType, bytes: Data) {
        precondition(bytes.count % dtype.byteWidth == 0, "storage \(key): \(bytes.count) bytes do not hold whole \(dtype) elements")
        self.key = key
        self.dtype = dtype
        self.bytes = bytes
    }
}

/// A tensor of a PyTorch checkpoint as saved: a strided view into a typed storage, decoded on request.
///
/// Element `[i₀, i₁, …]` is storage element `storageOffset + Σ iₖ·strides[k]` (PyTorch's layout), so
/// transposed and sliced views read as they did in PyTorch. Floating-point dtypes convert to our
/// Float32 `Tensor`; integer and bool tensors (such as BatchNorm's `num_batches_tracked`) are also
/// available exactly, as `Int64`.
public struct TorchTensor: Sendable {
    public let dtype: TorchDType
    public let shape: [Int]
    /// The step in storage elements between neighbours along each axis.
    public let strides: [Int]
    /// The storage element of the first tensor element.
    public let storageOffset: Int
    let storage: TorchStorage

    /// The number of elements.
    public var elementCount: Int { shape.reduce(1, *) }

    /// The key of the storage this tensor views: tensors that shared a storage in PyTorch share it here.
    public var storageKey: String { storage.key }

    /// The elements converted to Float32 as a row-major tensor of `shape`.
    public func floatTensor() -> Tensor {
        Tensor(shape: shape) { destination in
            forEachRow(of: destination.baseAddress!) { raw, first, stride, count, row in
                dtype.decodeFloats(raw, first: first, stride: stride, count: count, into: row)
            }
        }
    }

    /// The elements converted to Float32, row-major.
    public func floatValues() -> [Float] { floatTensor().scalars }

    /// The elements of an integer or bool tensor, row-major, exactly; `nil` for floating-point dtypes.
    public func integerValues() -> [Int64]? {
        guard !dtype.isFloatingPoint else { return nil }
        return [Int64](unsafeUninitializedCapacity: elementCount) { buffer, initialized in
            if let base = buffer.baseAddress {
                forEachRow(of: base) { raw, first, stride, count, row in
                    dtype.decodeIntegers(raw, first: first, stride: stride, count: count, into: row)
                }
            }
            initialized = elementCount
        }
    }

    /// Calls `body` once per innermost row of the view (once in all when it is contiguous) with the
    /// storage bytes, the row's first storage element and stride, its length, and where its elements go.
    private func forEachRow<Element>(
        of destination: UnsafeMutablePointer<Element>,
        _ body: (UnsafeRawPointer, Int, Int, Int, UnsafeMutablePointer<Element>) -> Void
    ) {
        guard elementCount > 0 else { return }
        storage.bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            if isContiguous {
                return body(base, storageOffset, 1, elementCount, destination)
            }
            let rowLength = shape[shape.count - 1], rowStride = strides[strides.count - 1]
            // An odometer over the outer axes; `first` follows it to each row's first storage element.
            var index = [Int](repeating: 0, count: shape.count - 1), first = storageOffset
            for row in 0..<(elementCount / rowLength) {
                body(base, first, rowStride, rowLength, destination + row * rowLength)
                for axis in index.indices.reversed() {
                    index[axis] += 1
                    first += strides[axis]
                    if index[axis] < shape[axis] { break }
                    first -= shape[axis] * strides[axis]
                    index[axis] = 0
                }
            }
        }
    }

    /// Whether the elements lie in row-major order without gaps (axes of length 1 may have any stride).
    private var isContiguous: Bool {
        var expected = 1
        for (size, stride) in zip(shape, strides).reversed() where size != 1 {
            if stride != expected { return false }
            expected *= size
        }
        return true
    }
}
