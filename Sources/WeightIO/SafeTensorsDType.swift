/// The element types a safetensors file may use that this reader converts to Float32.
///
/// F32 is stored as is; the others are widened or rounded to the nearest Float32 (F64, I64 and I32
/// only lose precision beyond 24 bits; PyTorch state dicts hold I64 counters like
/// `num_batches_tracked`).
public enum SafeTensorsDType: String, Sendable {
    case float64 = "F64"
    case float32 = "F32"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case int64 = "I64"
    case int32 = "I32"

    /// The size of one element in bytes.
    public var byteWidth: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16: 2
        }
    }

    /// The same element type as PyTorch names it, whose decoder both readers share.
    var torchDType: TorchDType {
        switch self {
        case .float64: .float64
        case .float32: .float32
        case .float16: .float16
        case .bfloat16: .bfloat16
        case .int64: .int64
        case .int32: .int32
        }
    }

    /// Converts `count` little-endian elements at `source` (any alignment) into `destination`.
    func decode(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        torchDType.decodeFloats(source, first: 0, stride: 1, count: count, into: destination)
    }
}

/// The Float32 value of IEEE 754 binary16 bits (exact: every half is a float).
///
/// Layout: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits. Normal numbers move their
/// exponent to bias 127; subnormals are fraction · 2⁻²⁴; exponent 31 is infinity or NaN.
func floatFromHalf(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    let fraction = UInt32(bits & 0x3FF)
    switch exponent {
    case 0:
        let magnitude = Float(fraction) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    case 0x1F:
        return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
    default:
        return Float(bitPattern: sign | (exponent + 112) << 23 | fraction << 13)
    }
}
