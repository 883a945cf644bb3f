import TensorCore

/// `sgemm`: C = A·B for square 1024² and 2048² float32 matrices, as torch_ref.py's `case_sgemm`.
/// Matrix sizes are fixed: `--batch` and `--image-size` do not apply.
func sgemmCase(_ size: BenchSize) -> BenchmarkCase {
    var generator = SeededGenerator(seed: 0)
    let steps = [1024, 2048].map { n -> TimedStep in
        let a = Tensor.randomNormal([n, n], using: &generator)
        let b = Tensor.randomNormal([n, n], using: &generator)
        var c = Tensor.zeros([n, n])
        return TimedStep(name: "sgemm-\(n)", flopsPerStep: 2 * Double(n * n * n), extra: ["n": n],
                         defaultSteps: 30) {
            a.withUnsafeScalars { pa in
                b.withUnsafeScalars { pb in
                    c.withMutableScalars { pc in
                        gemm(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, m: n, n: n, k: n)
                    }
                }
            }
        }
    }
    return BenchmarkCase(steps: steps)
}
