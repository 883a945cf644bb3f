// swift-tools-version: 6.0
import PackageDescription

/// One target per concern; dependencies point one way only:
/// COpenBLAS → TensorCore → NN → (Models, Training …); TensorCore → Optimizers, WeightIO, Evaluation, Diffusion;
/// NN, WeightIO → Evaluation (its image judge), Text (the tokenizer and the frozen MiniLM);
/// CJPEG/CPNG → CImageCodecs → ImageIO; ImageIO, FontIO → Datasets; TensorCore, ImageIO → Visuals; CHDF5 → HDF5Store.
/// The numeric kernels are compiled for the CPU that builds them (the package is always built from
/// source where it runs): AVX2/AVX-512 lets LLVM vectorise exp, sigmoid, SiLU and Adam 8–16 wide
/// instead of SSE2's 4. Swift never contracts a·b + c into an FMA on its own; only the sums written
/// with swift-numerics' `Relaxed` operations become FMAs, which moves their last bits. `-fno-math-errno`
/// lets √ become one vector instruction (Adam's update): with errno, every √ keeps a libm fallback call
/// for negative inputs, which stops vectorisation. Nothing here reads errno.
let nativeCode: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "native", "-Xcc", "-fno-math-errno"])]

let package = Package(
    name: "swift-ldm",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TensorCore", targets: ["TensorCore"]),
        .library(name: "NN", targets: ["NN"]),
        .executable(name: "ldm-bench", targets: ["ldm-bench"]),
        .executable(name: "train-ae", targets: ["train-ae"]),
        .executable(name: "train-ldm", targets: ["train-ldm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, each behind one system-library target.
        // OpenBLAS: headers only, and no pkgConfig (it would add -lopenblas). The library is dlopen'ed at
        // run time after OPENBLAS_CORETYPE is set (TensorCore/BLAS/BLASLoader.swift), so it is never linked.
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        /// libjpeg and libpng report errors by longjmp/exit: this C target keeps that in C and returns codes.
        .target(name: "CImageCodecs", dependencies: ["CJPEG", "CPNG"]),
        /// The convolution kernel (AVX-512 intrinsics, chosen at run time): implicit-GEMM.
        .target(name: "CConvolution", cSettings: [.unsafeFlags(["-O3"])]),

        .target(name: "TensorCore", dependencies: [
            "COpenBLAS", "CConvolution",
            .product(name: "Numerics", package: "swift-numerics"),
        ], swiftSettings: nativeCode),
        .target(name: "NN", dependencies: ["TensorCore"]),
        .target(name: "Optimizers", dependencies: ["TensorCore", "NN"], swiftSettings: nativeCode),
        .target(name: "Models", dependencies: ["TensorCore", "NN"]),
        .target(name: "WeightIO", dependencies: ["TensorCore", "CZlib"]),
        .target(name: "ImageIO", dependencies: ["CImageCodecs"]),
        .target(name: "HDF5Store", dependencies: ["CHDF5"]),
        .target(name: "FontIO"),
        .target(name: "Datasets", dependencies: ["TensorCore", "ImageIO", "FontIO", "CZlib"]),
        .target(name: "TestSupport", dependencies: ["TensorCore"]),
        .target(name: "Configuration", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "Evaluation", dependencies: ["TensorCore", "NN", "WeightIO"]),
        .target(name: "Diffusion", dependencies: ["TensorCore"]),
        .target(name: "Text", dependencies: ["TensorCore", "NN", "WeightIO"]),
        .target(name: "Visuals", dependencies: ["TensorCore", "ImageIO"]),
        .target(name: "Training", dependencies: [
            "TensorCore", "NN", "Models", "Optimizers", "WeightIO", "Configuration", "Datasets", "ImageIO",
            "Evaluation", "Visuals", "HDF5Store", "Diffusion", "Text",
        ]),

        .executableTarget(name: "ldm-bench", dependencies: [
            "TensorCore", "NN", "Optimizers", "Models", "Diffusion", "Training",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "train-ae", dependencies: [
            "Training", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "train-ldm", dependencies: [
            "Training", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Optimizers", "TestSupport"]),
        .testTarget(name: "OptimizersTests", dependencies: ["Optimizers", "NN", "TestSupport"]),
        .testTarget(name: "WeightIOTests", dependencies: ["WeightIO", "TestSupport"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "TestSupport"]),
        .testTarget(name: "HDF5StoreTests", dependencies: ["HDF5Store", "TestSupport"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "WeightIO", "ImageIO", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Diffusion", "TestSupport"]),
        .testTarget(name: "FontIOTests", dependencies: ["FontIO", "ImageIO", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TestSupport"]),
        .testTarget(name: "DiffusionTests", dependencies: ["Diffusion", "Configuration", "TestSupport"]),
        .testTarget(name: "VisualsTests", dependencies: ["Visuals", "ImageIO", "TestSupport"]),
        .testTarget(name: "TextTests", dependencies: ["Text", "WeightIO", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
