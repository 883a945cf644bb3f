/// The opcodes of Python's pickle protocols 0 to 5, by their byte, named as in Python's `pickletools`.
enum PickleOpcode: UInt8 {
    // Protocol 0 and 1.
    case mark = 0x28, stop = 0x2E, pop = 0x30, popMark = 0x31, dup = 0x32
    case float = 0x46, int = 0x49, binInt = 0x4A, binInt1 = 0x4B, long = 0x4C, binInt2 = 0x4D, none = 0x4E
    case persID = 0x50, binPersID = 0x51, reduce = 0x52
    case string = 0x53, binString = 0x54, shortBinString = 0x55, unicode = 0x56, binUnicode = 0x58
    case append = 0x61, build = 0x62, global = 0x63, dict = 0x64, emptyDict = 0x7D, appends = 0x65
    case get = 0x67, binGet = 0x68, inst = 0x69, longBinGet = 0x6A, list = 0x6C, emptyList = 0x5D, obj = 0x6F
    case put = 0x70, binPut = 0x71, longBinPut = 0x72, setItem = 0x73, tuple = 0x74, emptyTuple = 0x29
    case setItems = 0x75, binFloat = 0x47
    // Protocol 2.
    case proto = 0x80, newObj = 0x81, ext1 = 0x82, ext2 = 0x83, ext4 = 0x84
    case tuple1 = 0x85, tuple2 = 0x86, tuple3 = 0x87, newTrue = 0x88, newFalse = 0x89, long1 = 0x8A, long4 = 0x8B
    // Protocol 3.
    case binBytes = 0x42, shortBinBytes = 0x43
    // Protocol 4.
    case shortBinUnicode = 0x8C, binUnicode8 = 0x8D, binBytes8 = 0x8E, emptySet = 0x8F, addItems = 0x90
    case frozenSet = 0x91, newObjEx = 0x92, stackGlobal = 0x93, memoize = 0x94, frame = 0x95
    // Protocol 5.
    case byteArray8 = 0x96, nextBuffer = 0x97, readonlyBuffer = 0x98

    /// The name Python's `pickletools` gives the opcode, such as `SHORT_BINUNICODE`.
    var name: String {
        switch self {
        case .popMark: "POP_MARK"
        case .shortBinString: "SHORT_BINSTRING"
        case .emptyDict: "EMPTY_DICT"
        case .longBinGet: "LONG_BINGET"
        case .emptyList: "EMPTY_LIST"
        case .longBinPut: "LONG_BINPUT"
        case .emptyTuple: "EMPTY_TUPLE"
        case .shortBinBytes: "SHORT_BINBYTES"
        case .shortBinUnicode: "SHORT_BINUNICODE"
        case .emptySet: "EMPTY_SET"
        case .newObjEx: "NEWOBJ_EX"
        case .stackGlobal: "STACK_GLOBAL"
        case .nextBuffer: "NEXT_BUFFER"
        case .readonlyBuffer: "READONLY_BUFFER"
        default: String(describing: self).uppercased()
        }
    }
}
