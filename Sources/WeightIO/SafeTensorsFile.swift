import TensorCore

/// The contents of a safetensors file: its tensors converted to Float32, the element type each had in
/// the file, and the free-form metadata of the header.
public struct SafeTensorsFile {
    public let tensors: [String: Tensor]
    public let dtypes: [String: SafeTensorsDType]
    public let metadata: [String: String]
}
