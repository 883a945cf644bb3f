/// Every benchmark case by its name in ../shared/bench/torch_ref.py. Add a case by adding a line.
enum BenchmarkRegistry {
    static let factories: [String: (BenchSize) -> BenchmarkCase] = [
        "sgemm": sgemmCase,
        "ae-kl-step": autoencoderStepCase,
        "ae-kl-encode": autoencoderEncodeCase,
        "conv3x3-fwd-bwd": convCase,
        "unet-step": unetStepCase,
        "unet-pixel-step": unetPixelStepCase,
        "ddim-sample": ddimSampleCase,
    ]

    static var names: [String] { factories.keys.sorted() }
}
