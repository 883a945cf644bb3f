import Foundation

/// torch.save's zip format (PyTorch 1.6 and later; Lightning's `.ckpt` files too): a zip archive
/// whose entries, under one top folder, are `data.pkl` (the object; its tensors name storages by
/// persistent id), `data/<key>` (each storage's raw bytes, stored uncompressed), `byteorder` and a
/// few version records. Offsets in pickle errors are bytes of `data.pkl`.
enum ZipCheckpointFormat {
    static func read(_ file: Data) throws -> CheckpointContents {
        typealias Problem = PyTorchCheckpointError.Problem
        let archive = try ZipArchive(file)
        // The top folder is named after the file torch.save wrote ("archive" in recent versions).
        let pickleEntries = archive.entries.filter { $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/").count == 2 }
        guard let pickleEntry = pickleEntries.first else { throw Problem.missingZipEntry("<folder>/data.pkl") }
        let folder = String(pickleEntry.name.dropLast("data.pkl".count))
        if let byteOrder = archive.entry(named: folder + "byteorder") {
            switch String(decoding: try archive.contents(of: byteOrder), as: UTF8.self) {
            case "little": break
            case "big": throw Problem.bigEndian
            case let other: throw Problem.corruptZipEntry(entry: byteOrder.name, reason: "it says \"\(other)\", not little or big")
            }
        }
        let pickle = try archive.contents(of: pickleEntry).withUnsafeBytes { raw in
            try Unpickler.unpickle(raw, stream: pickleEntry.name)
        }
        var storages: [String: TorchStorage] = [:]
        for key in pickle.storageKeys {
            let reference = pickle.storages[key]!, name = folder + "data/" + key
            guard let entry = archive.entry(named: name) else { throw Problem.missingStorage(key: key, location: "zip entry \(name)") }
            let bytes = try archive.contents(of: entry)
            guard bytes.count == reference.elementCount * reference.dtype.byteWidth else {
                throw Problem.storageSizeMismatch(key: key, expectedBytes: reference.elementCount * reference.dtype.byteWidth,
                                                  actualBytes: bytes.count)
            }
            storages[key] = TorchStorage(key: key, dtype: reference.dtype, bytes: bytes)
        }
        return CheckpointContents(root: pickle.root, storages: storages)
    }
}
