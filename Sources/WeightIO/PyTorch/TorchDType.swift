/// The element types of PyTorch storages this reader decodes, named as `torch.<name>`.
///
/// Each is pickled as the legacy typed-storage class of `storageClassNames` (both torch.save formats
/// still use those names). Complex, quantised and float8 storages are not supported.
public enum TorchDType: String, CaseIterable, Sendable {
    case float64, float32, float16, bfloat16, int64, int32, int16, int8, uint8, bool

    /// The dtype a storage class of module `torch` holds, such as `HalfStorage` → float16.
    init?(storageClassName: String) {
        guard let dtype = Self.allCases.first(where: { $0.storageClassName == storageClassName }) else { return nil }
        self = dtype
    }

    /// The name of the storage class that pickles this dtype.
    var storageClassName: String {
        switch self {
        case .float64: "DoubleStorage"
        case .float32: "FloatStorage"
        case .float16: "HalfStorage"
        case .bfloat16: "BFloat16Storage"
        case .int64: "LongStorage"
        case .int32: "IntStorage"
        case .int16: "ShortStorage"
        case .int8: "CharStorage"
        case .uint8: "ByteStorage"
        case .bool: "BoolStorage"
        }
    }

    /// The size of one element in bytes.
    public var byteWidth: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// Whether the dtype holds floating-point numbers (the ones `PyTorchCheckpoint.stateDict` returns).
    public var isFloatingPoint: Bool {
        switch self {
        case .float64, .float32, .float16, .bfloat16: true
        default: false
        }
    }

    /// Converts `count` little-endian elements at element positions `first`, `first + stride`, … of
    /// `storage` to Float32 (float64 and integers beyond 2²⁴ round to the nearest Float).
    func decodeFloats(_ storage: UnsafeRawPointer, first: Int, stride: Int, count: Int,
                      into destination: UnsafeMutablePointer<Float>) {
        func load<T: FixedWidthInteger>(_ i: Int, as _: T.Type) -> T {
            T(littleEndian: storage.loadUnaligned(fromByteOffset: (first + i * stride) * MemoryLayout<T>.size, as: T.self))
        }
        #if _endian(little)
        if self == .float32, stride == 1 {  // the common case: a plain copy
            return UnsafeMutableRawPointer(destination).copyMemory(from: storage + 4 * first, byteCount: 4 * count)
        }
        #endif
        switch self {
        case .float64: for i in 0..<count { destination[i] = Float(Double(bitPattern: load(i, as: UInt64.self))) }
        case .float32: for i in 0..<count { destination[i] = Float(bitPattern: load(i, as: UInt32.self)) }
        case .float16: for i in 0..<count { destination[i] = floatFromHalf(load(i, as: UInt16.self)) }
        case .bfloat16: for i in 0..<count { destination[i] = Float(bitPattern: UInt32(load(i, as: UInt16.self)) << 16) }
        case .int64: for i in 0..<count { destination[i] = Float(load(i, as: Int64.self)) }
        case .int32: for i in 0..<count { destination[i] = Float(load(i, as: Int32.self)) }
        case .int16: for i in 0..<count { destination[i] = Float(load(i, as: Int16.self)) }
        case .int8: for i in 0..<count { destination[i] = Float(load(i, as: Int8.self)) }
        case .uint8, .bool: for i in 0..<count { destination[i] = Float(load(i, as: UInt8.self)) }
        }
    }

    /// Reads `count` little-endian integer elements like `decodeFloats`; bools read as 0 and 1.
    func decodeIntegers(_ storage: UnsafeRawPointer, first: Int, stride: Int, count: Int,
                        into destination: UnsafeMutablePointer<Int64>) {
        precondition(!isFloatingPoint, "decodeIntegers: \(self) is a floating-point dtype")
        func load<T: FixedWidthInteger>(_ i: Int, as _: T.Type) -> Int64 {
            Int64(T(littleEndian: storage.loadUnaligned(fromByteOffset: (first + i * stride) * MemoryLayout<T>.size, as: T.self)))
        }
        switch self {
        case .int64: for i in 0..<count { destination[i] = load(i, as: Int64.self) }
        case .int32: for i in 0..<count { destination[i] = load(i, as: Int32.self) }
        case .int16: for i in 0..<count { destination[i] = load(i, as: Int16.self) }
        case .int8: for i in 0..<count { destination[i] = load(i, as: Int8.self) }
        case .uint8, .bool: for i in 0..<count { destination[i] = load(i, as: UInt8.self) }
        case .float64, .float32, .float16, .bfloat16: break
        }
    }
}
