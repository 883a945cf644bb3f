/// A kernel's work items (output columns, or Winograd's tiles) cut into parts of whole panels, the
/// kernels' unit of work: part ranges fixed by the counts alone, so that results do not depend on the
/// thread count.
struct PanelParts {
    let items: Int, panelSize: Int, panels: Int
    /// The number of parts.
    let count: Int

    /// At most `maxParts` parts of at least `panelsPerPart` panels each (one part when there are fewer).
    init(items: Int, panelSize: Int, panelsPerPart: Int, maxParts: Int = .max) {
        self.items = items
        self.panelSize = panelSize
        panels = (items + panelSize - 1) / panelSize
        count = max(1, min(maxParts, panels / panelsPerPart))
    }

    /// The items of part `part`: whole panels, the last part ending at `items`.
    func range(_ part: Int) -> Range<Int> {
        (part * panels / count * panelSize)..<min(items, (part + 1) * panels / count * panelSize)
    }
}

/// dW of `shape` from the output gradient `dy` and the input `x`, the sum of one partial gradient per
/// part added in order: `kernel(x, dy, range, sum, scratch)` writes the partial gradient of the part's
/// items into `sum`, with `scratchCount` floats of scratch.
func summedWeightGradient(
    _ dy: Tensor, input x: Tensor, shape: [Int], parts: PanelParts, scratchCount: Int,
    _ kernel: (UnsafePointer<Float>, UnsafePointer<Float>, Range<Int>, UnsafeMutablePointer<Float>,
               UnsafeMutablePointer<Float>) -> Void
) -> Tensor {
    let weightCount = shape.reduce(1, *)
    return Tensor(shape: shape) { dw in
        let partials = TensorStorage(uninitializedCount: (parts.count - 1) * weightCount)
        withExtendedLifetime(partials) {
            dy.withUnsafeScalars { dys in
                x.withUnsafeScalars { xs in
                    parallelFor(parts.count) { part in
                        let sum = part == 0 ? dw.baseAddress! : partials.pointer + (part - 1) * weightCount
                        let scratch = TensorStorage(uninitializedCount: scratchCount)
                        withExtendedLifetime(scratch) {
                            kernel(xs.baseAddress!, dys.baseAddress!, parts.range(part), sum, scratch.pointer)
                        }
                    }
                }
            }
            addPartials(partials.pointer, count: parts.count - 1, into: dw.baseAddress!, weightCount)
        }
    }
}
