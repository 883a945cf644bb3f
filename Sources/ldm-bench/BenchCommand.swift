import ArgumentParser
import Foundation
import TensorCore

/// `ldm-bench --case NAME`: times one benchmark case and prints one JSON line per case, with the
/// fields of ../shared/bench/torch_ref.py so the two can be compared side by side.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ldm-bench",
        abstract: "Times swift-ldm's benchmark cases; prints one JSON line per case.",
        discussion: "Cases: \(BenchmarkRegistry.names.joined(separator: ", ")). Without --case, runs all.")

    @Option(help: "The case to run (see --list). Repeatable.")
    var `case`: [String] = []

    @Option(help: "Threads for our parallel loops, BLAS products among them.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Untimed steps before timing.")
    var warmup: Int = 3

    @Option(help: "Timed steps (default: the case's own, as in torch_ref.py's suite).")
    var steps: Int?

    @Option(help: "Samples per step instead of each case's own batch (sgemm ignores it).")
    var batch: Int?

    @Option(help: ArgumentHelp("Image side in pixels (default 64, BENCH.md's).",
                               discussion: "The latent cases run on its f = 4 latents, the conv case on half of it."))
    var imageSize: Int = BenchSize.standard.imageSize

    @Option(help: "Shards per batch in the training cases (as train.shards; 1: one pass, ops split between threads).")
    var shards: Int = BenchSize.standard.shards

    @Flag(help: "Activation checkpointing in the UNet training cases (the UNet's use_checkpoint).")
    var useCheckpoint = false

    @Option(help: ArgumentHelp("Keep convolutions' forward columns for their weight gradients up to this many MB in "
                               + "the whole process (ConvolutionMemory.keptColumnsLimit; 0: always recompute them).", valueName: "MB"))
    var keptColumnsMb = ConvolutionMemory.keptColumnsLimit >> 20

    @Option(help: ArgumentHelp("Keep weights packed for the convolution kernel up to this many MB in the whole process "
                               + "(ConvolutionMemory.packedWeightsLimit; 0: pack them at every call).", valueName: "MB"))
    var packedWeightsMb = ConvolutionMemory.packedWeightsLimit >> 20

    @Flag(help: "Convolutions on im2col and BLAS instead of the implicit-GEMM kernel (ImplicitGEMM.isEnabled).")
    var im2col = false

    @Flag(help: "3×3 convolutions on the direct kernel instead of Winograd's F(4×4) or F(2×2) (Winograd.isEnabled).")
    var noWinograd = false

    @Flag(name: .customLong("openblas-gemm"),
          help: "Products on OpenBLAS where our kernel would run them (PackedGEMM.isEnabled; ours runs where OpenBLAS's kernel lacks AVX-512).")
    var openblasGEMM = false

    @Flag(help: "List the cases and exit.")
    var list = false

    mutating func run() throws {
        if list {
            BenchmarkRegistry.names.forEach { print($0) }
            return
        }
        let names = self.case.isEmpty ? BenchmarkRegistry.names : self.case
        for name in names where BenchmarkRegistry.factories[name] == nil {
            throw ValidationError("unknown case '\(name)'; known: \(BenchmarkRegistry.names.joined(separator: ", "))")
        }
        if let batch, batch < 1 { throw ValidationError("--batch is \(batch), expected at least 1") }
        guard imageSize >= 16, imageSize % 16 == 0 else {
            throw ValidationError("--image-size is \(imageSize), expected a multiple of 16 (the pixel UNet downsamples 8×)")
        }
        guard shards >= 1 else { throw ValidationError("--shards is \(shards), expected at least 1") }
        let size = BenchSize(batch: batch, imageSize: imageSize, shards: shards, useCheckpoint: useCheckpoint)
        guard keptColumnsMb >= 0 else { throw ValidationError("--kept-columns-mb is \(keptColumnsMb), expected 0 or more") }
        ComputeSettings.threadCount = threads
        ConvolutionMemory.keptColumnsLimit = keptColumnsMb << 20
        guard packedWeightsMb >= 0 else { throw ValidationError("--packed-weights-mb is \(packedWeightsMb), expected 0 or more") }
        ConvolutionMemory.packedWeightsLimit = packedWeightsMb << 20
        if im2col { ImplicitGEMM.isEnabled = false }
        if noWinograd { Winograd.isEnabled = false }
        if openblasGEMM { PackedGEMM.isEnabled = false }
        FileHandle.standardError.write(Data(
            "ldm-bench: OpenBLAS kernel \(BLAS.coreName), products on \(PackedGEMM.isEnabled ? "our kernel" : "OpenBLAS"), \(threads) threads\n".utf8))
        for name in names {
            for record in BenchmarkRegistry.factories[name]!(size).run(warmup: warmup, steps: steps) {
                var fields = record
                fields["threads"] = threads
                fields["blas_core"] = BLAS.coreName
                fields["image_size"] = imageSize
                fields["shards"] = shards
                if useCheckpoint { fields["use_checkpoint"] = true }
                fields["kept_columns_mb"] = keptColumnsMb
                fields["packed_weights_mb"] = packedWeightsMb
                fields["gemm"] = PackedGEMM.isEnabled ? "packed" : "openblas"
                fields["convolution"] = !ImplicitGEMM.isEnabled ? "im2col" : Winograd.isEnabled ? "implicit-gemm+winograd" : "implicit-gemm"
                print(JSONLine.encode(fields))
            }
        }
    }
}
