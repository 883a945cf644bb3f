import TensorCore

/// The base class of every layer and model.
///
/// A module's stored properties are its parameters (`@Parameter`), buffers (`@Buffer`) and
/// sub-modules (modules, optional modules, arrays of modules, arrays of such arrays). They are found by a read-only
/// `Mirror` walk whose keys are the property paths, e.g. `decoder.up.1.block.0.conv1.weight`
/// (arrays contribute their index), matching the PyTorch state-dict keys of the same structure.
open class Module {
    /// Training mode (dropout active, batch norm uses batch statistics). Set with `train()`/`eval()`.
    public private(set) var isTraining = true

    public init() {}

    /// Every parameter with its dotted key, in declaration order.
    public final func namedParameters() -> [(key: String, parameter: Parameter)] {
        var result: [(String, Parameter)] = []
        walk(prefix: "") { key, value in
            if let p = value as? Parameter { result.append((key, p)) }
        }
        return result
    }

    /// Every buffer with its dotted key, in declaration order.
    public final func namedBuffers() -> [(key: String, buffer: Buffer)] {
        var result: [(String, Buffer)] = []
        walk(prefix: "") { key, value in
            if let b = value as? Buffer { result.append((key, b)) }
        }
        return result
    }

    /// This module and every sub-module, with their dotted keys ("" for this one).
    public final func namedModules() -> [(key: String, module: Module)] {
        var result: [(String, Module)] = [("", self)]
        walk(prefix: "") { key, value in
            if let m = value as? Module { result.append((key, m)) }
        }
        return result
    }

    /// The current values of all trainable (unfrozen) parameters, in `namedParameters` order.
    public final var trainableParameters: [Parameter] {
        namedParameters().map(\.parameter).filter { !$0.isFrozen }
    }

    /// The total number of scalars in all parameters.
    public final var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.parameter.wrappedValue.count } }

    /// Puts this module and all sub-modules in training mode.
    public final func train() { namedModules().forEach { $0.module.isTraining = true } }
    /// Puts this module and all sub-modules in evaluation mode.
    public final func eval() { namedModules().forEach { $0.module.isTraining = false } }

    /// Makes every parameter a constant: no gradients are computed for them.
    public final func freeze() { namedParameters().forEach { $0.parameter.freeze() } }
    public final func unfreeze() { namedParameters().forEach { $0.parameter.unfreeze() } }

    /// Visits parameters, buffers and sub-modules below this module (not itself), depth first.
    private func walk(prefix: String, _ visit: (String, Any) -> Void) {
        var mirror: Mirror? = Mirror(reflecting: self)
        var children: [(String, Any)] = []
        // Superclass properties first, so keys follow declaration order from the base down.
        var chain: [Mirror] = []
        while let m = mirror { chain.append(m); mirror = m.superclassMirror }
        for m in chain.reversed() {
            for child in m.children {
                guard var label = child.label else { continue }
                if label.hasPrefix("_") { label.removeFirst() }  // property-wrapper storage
                children.append((label, child.value))
            }
        }
        for (label, value) in children { Module.visitValue(value, key: prefix + label, visit) }
    }

    private static func visitValue(_ value: Any, key: String, _ visit: (String, Any) -> Void) {
        switch value {
        case let p as Parameter: visit(key, p)
        case let b as Buffer: visit(key, b)
        case let m as Module:
            visit(key, m)
            m.walk(prefix: key + ".", visit)
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                if let wrapped = mirror.children.first { visitValue(wrapped.value, key: key, visit) }
            } else if mirror.displayStyle == .collection {
                // Elements that are modules, optional modules or arrays of them (a UNet block is an array).
                for (index, element) in mirror.children.enumerated() {
                    visitValue(element.value, key: "\(key).\(index)", visit)
                }
            }
        }
    }
}
