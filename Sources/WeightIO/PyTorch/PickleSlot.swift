/// A value under construction on the unpickler's stack or in its memo.
///
/// Containers are reference boxes, as in Python: a list put in the memo and later filled by APPENDS
/// is the same list when the memo is read again. `PickleFreezer` turns the finished tree into
/// `PickleValue`s.
enum PickleSlot {
    /// A value that never changes once pushed: None, bools, numbers, strings, bytes, globals.
    case value(PickleValue)
    case sequence(SequenceBox)
    case dict(DictBox)
    case object(ObjectBox)
    case tensor(TensorRecipe)
    /// A storage named by a persistent id, before a tensor views it.
    case storage(StorageReference)

    /// What kind of value this is, for messages.
    var kindDescription: String {
        switch self {
        case .value(let value): value.kindDescription
        case .sequence(let box): "a \(box.kind) of \(box.items.count)"
        case .dict(let box): "a dict of \(box.entries.count)"
        case .object(let box): "a \(box.type) object"
        case .tensor(let recipe): "a \(recipe.storage.dtype) tensor"
        case .storage(let reference): "a \(reference.dtype) storage"
        }
    }

    var stringValue: String? { if case .value(.string(let string)) = self { string } else { nil } }
    var intValue: Int? { if case .value(.int(let int)) = self { int } else { nil } }

    /// The items of a tuple or list.
    var tupleOrListItems: [PickleSlot]? {
        guard case .sequence(let box) = self, box.kind == .tuple || box.kind == .list else { return nil }
        return box.items
    }
}

/// A list, tuple or set being built.
final class SequenceBox {
    enum Kind { case list, tuple, set }
    let kind: Kind
    var items: [PickleSlot]

    init(_ kind: Kind, _ items: [PickleSlot] = []) {
        self.kind = kind
        self.items = items
    }
}

/// A dict being built, its entries in insertion order.
final class DictBox {
    var entries: [(key: PickleSlot, value: PickleSlot)] = []
}

/// An instance of a class the unpickler does not interpret (see `PickleObject`).
final class ObjectBox {
    let type: String
    let arguments: [PickleSlot]
    var state: PickleSlot?
    var listItems: [PickleSlot] = []
    var dictItems: [(key: PickleSlot, value: PickleSlot)] = []

    init(type: String, arguments: [PickleSlot]) {
        self.type = type
        self.arguments = arguments
    }
}

/// A storage as a persistent id declares it: its key in the file, dtype and element count.
struct StorageReference: Equatable {
    let key: String
    let dtype: TorchDType
    let elementCount: Int
}

/// A tensor as `torch._utils._rebuild_tensor_v2` describes it, its view already checked against the
/// storage's declared size.
struct TensorRecipe {
    let storage: StorageReference
    let shape: [Int]
    let strides: [Int]
    let storageOffset: Int
}
