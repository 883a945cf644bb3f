import COpenBLAS
import Foundation

/// OpenBLAS, loaded at run time so that its kernel can be chosen first.
///
/// Debian's OpenBLAS 0.3.21 does not recognise recent Xeons and falls back to its generic
/// "Prescott" kernels (sgemm 4.8× slower). It reads `OPENBLAS_CORETYPE` once, when it loads, so
/// the variable has to be in the environment before that. Linking the library would load it before
/// `main` runs; instead this file sets the variable (unless the user did) from the CPU's features and
/// then `dlopen`s the library, in every program and test that touches a GEMM.
public enum BLAS {
    /// The OpenBLAS kernel in use, as OpenBLAS names it (e.g. "SkylakeX").
    public static var coreName: String {
        library.getCorename().map { String(cString: $0) } ?? "unknown"
    }

    /// OpenBLAS's build description (version, threading, kernel family).
    public static var configDescription: String {
        library.getConfig().map { String(cString: $0) } ?? "unknown"
    }

    /// The `OPENBLAS_CORETYPE` we chose, or nil when the user had set one or the CPU needs none.
    public static var chosenCoreType: String? { library.chosenCoreType }

    /// The library, on one thread: `gemm` splits large products over our own threads.
    static let library: OpenBLASLibrary = {
        let lib = OpenBLASLibrary.load()
        lib.setThreads(1)
        return lib
    }()
}

/// The handful of OpenBLAS entry points swift-ldm uses, looked up with `dlsym`.
struct OpenBLASLibrary {
    let sgemm: ldm_cblas_sgemm_fn
    let setThreads: ldm_openblas_set_num_threads_fn
    let getCorename: ldm_openblas_get_corename_fn
    let getConfig: ldm_openblas_get_config_fn
    let chosenCoreType: String?

    /// Sonames tried in order; Debian installs the pthread build as `libopenblas.so.0`.
    static let candidateNames = ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"]

    static func load() -> OpenBLASLibrary {
        let chosen = chooseCoreType()
        if let chosen { setenv("OPENBLAS_CORETYPE", chosen, 0) }
        guard let handle = candidateNames.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_GLOBAL) }).first else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            fatalError("swift-ldm needs OpenBLAS (Debian: apt-get install libopenblas-dev): \(reason)")
        }
        func symbol<T>(_ name: String, as type: T.Type) -> T {
            guard let address = dlsym(handle, name) else {
                fatalError("OpenBLAS library lacks the symbol \(name)")
            }
            return unsafeBitCast(address, to: type)
        }
        return OpenBLASLibrary(
            sgemm: symbol("cblas_sgemm", as: ldm_cblas_sgemm_fn.self),
            setThreads: symbol("openblas_set_num_threads", as: ldm_openblas_set_num_threads_fn.self),
            getCorename: symbol("openblas_get_corename", as: ldm_openblas_get_corename_fn.self),
            getConfig: symbol("openblas_get_config", as: ldm_openblas_get_config_fn.self),
            chosenCoreType: chosen)
    }

    /// The kernel family for this CPU, or nil to leave OpenBLAS's own detection (or the user's
    /// `OPENBLAS_CORETYPE`) alone. AVX-512 → SkylakeX (its sgemm is the one Cooperlake uses too),
    /// AVX2 + FMA → Haswell.
    static func chooseCoreType() -> String? {
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil { return nil }
        guard let flags = cpuFlags() else { return nil }
        if flags.contains("avx512f") && flags.contains("avx512bw") && flags.contains("avx512vl") {
            return "SkylakeX"
        }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The feature flags of the first CPU in /proc/cpuinfo (Linux), or nil elsewhere.
    static func cpuFlags() -> Set<Substring>? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return nil }
        return Set(line[line.index(after: colon)...].split(separator: " "))
    }
}
