/// An n-dimensional array of Float32 with value semantics, and optionally a place in a
/// differentiation graph.
///
/// Storage is contiguous and row-major (NCHW for images, as in PyTorch, so fixtures and weight files
/// need no transposes). Operations never modify their inputs; they return new tensors and, while
/// gradients are being recorded and some input is differentiable, a graph node whose pullback maps the
/// output's cotangent to the inputs' cotangents.
public struct Tensor {
    /// The extent of each axis, outermost first.
    public let shape: [Int]
    var storage: TensorStorage
    /// The graph node that produced this value, or nil for constants.
    let node: GraphNode?

    init(shape: [Int], storage: TensorStorage, node: GraphNode? = nil) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(shapeCount(shape) == storage.count,
                     "shape \(shape) holds \(shapeCount(shape)) elements, storage has \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// The number of elements.
    public var count: Int { storage.count }
    /// The number of axes.
    public var rank: Int { shape.count }

    /// Whether gradients can flow back through this tensor (it is a parameter or depends on one).
    public var isDifferentiable: Bool { node != nil }
}

// MARK: - Creating tensors

extension Tensor {
    /// A tensor of the given shape filled by `fill`, which receives the uninitialised buffer.
    /// This is how every kernel creates its output.
    public init(shape: [Int], unsafeUninitialized fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let storage = TensorStorage(uninitializedCount: shapeCount(shape))
        try fill(storage.buffer)
        self.init(shape: shape, storage: storage)
    }

    /// A tensor holding `scalars` in row-major order.
    public init(shape: [Int], scalars: [Float]) {
        precondition(scalars.count == shapeCount(shape),
                     "Tensor(shape: \(shape)) needs \(shapeCount(shape)) scalars, got \(scalars.count)")
        self.init(shape: shape) { buffer in
            scalars.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress, let destination = buffer.baseAddress else { return }
                destination.update(from: base, count: source.count)
            }
        }
    }

    /// A rank-0 tensor.
    public init(_ scalar: Float) { self.init(shape: [], scalars: [scalar]) }

    /// A tensor with every element equal to `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape) { $0.initialize(repeating: value) }
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// 0, 1, …, count−1 as Float.
    public static func arange(_ count: Int) -> Tensor {
        Tensor(shape: [count]) { for i in 0..<count { $0[i] = Float(i) } }
    }
}

// MARK: - Reading and writing elements

extension Tensor {
    /// The elements in row-major order.
    public var scalars: [Float] { Array(storage.buffer) }

    /// The only element of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar of a tensor of shape \(shape)")
        return storage.pointer[0]
    }

    /// Read access to the elements in row-major order without a copy.
    public func withUnsafeScalars<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(storage.buffer)) }
    }

    /// In-place write access, for optimizers, EMA and data buffers. Copies the storage first if any
    /// other tensor value shares it (copy-on-write), so no other value ever sees the change.
    public mutating func withMutableScalars<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) {
            let copy = TensorStorage(uninitializedCount: storage.count)
            copy.pointer.update(from: storage.pointer, count: storage.count)
            storage = copy
        }
        storage.markWritten()
        return try withExtendedLifetime(storage) { try body(storage.buffer) }
    }

    /// The same values in a fresh storage that no other tensor shares.
    public func copied() -> Tensor {
        Tensor(shape: shape) { destination in
            withUnsafeScalars { source in
                guard let s = source.baseAddress, let d = destination.baseAddress else { return }
                d.update(from: s, count: source.count)
            }
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = count <= 16 ? "\(scalars)" : "\(Array(scalars.prefix(8))) …"
        return "Tensor(\(shape), \(shown)\(isDifferentiable ? ", differentiable" : ""))"
    }
}

/// The number of elements of a shape (1 for a scalar).
@inline(__always)
public func shapeCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

/// Row-major strides of a packed array of `shape`.
public func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis] = running
        running *= shape[axis]
    }
    return strides
}

/// `axis` counted from the end when negative (−1 is the last axis), checked against `rank`.
public func normalizedAxis(_ axis: Int, rank: Int, function: String = #function) -> Int {
    let resolved = axis < 0 ? axis + rank : axis
    precondition(resolved >= 0 && resolved < rank, "\(function): axis \(axis) out of range for rank \(rank)")
    return resolved
}
