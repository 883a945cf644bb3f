import TensorCore

/// A trainable tensor of a module: a leaf of the differentiation graph unless frozen.
///
/// A class, so that the module's reflection walk can hand out references that optimizers and weight
/// loaders update in place. Declare as `@Parameter var weight: Tensor`.
@propertyWrapper
public final class Parameter {
    /// The current value; assigning keeps the parameter a leaf (or constant when frozen).
    public var wrappedValue: Tensor {
        get { value }
        set { value = isFrozen ? newValue.detached() : newValue.asLeaf(named: "parameter") }
    }
    private var value: Tensor

    /// Frozen parameters are constants: no gradient is computed for them.
    public private(set) var isFrozen = false

    public init(wrappedValue: Tensor) { value = wrappedValue.asLeaf(named: "parameter") }

    public var projectedValue: Parameter { self }

    public func freeze() { isFrozen = true; value = value.detached() }
    public func unfreeze() { isFrozen = false; value = value.asLeaf(named: "parameter") }

    /// In-place update of the value (optimizer steps), keeping its graph identity.
    public func update(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        value.withMutableScalars(body)
    }
}

/// Non-trainable state saved with a module's weights (batch norm's running statistics).
/// Declare as `@Buffer var runningMean: Tensor`.
@propertyWrapper
public final class Buffer {
    public var wrappedValue: Tensor {
        didSet { wrappedValue = wrappedValue.detached() }
    }
    public init(wrappedValue: Tensor) { self.wrappedValue = wrappedValue.detached() }
    public var projectedValue: Buffer { self }
}
