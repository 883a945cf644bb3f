import TensorCore
import XCTest

/// Asserts that two tensors have the same shape and |a − b| ≤ atol + rtol·|b| elementwise,
/// reporting the worst element and its index.
public func assertClose(_ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-5, atol: Float = 1e-6,
                        _ message: @autoclosure () -> String = "",
                        file: StaticString = #filePath, line: UInt = #line) {
    guard actual.shape == expected.shape else {
        XCTFail("shape \(actual.shape) ≠ expected \(expected.shape) \(message())", file: file, line: line)
        return
    }
    assertClose(actual.scalars, expected.scalars, rtol: rtol, atol: atol, message(), file: file, line: line)
}

/// Elementwise closeness of two arrays of equal length (see the tensor overload).
public func assertClose(_ actual: [Float], _ expected: [Float], rtol: Float = 1e-5, atol: Float = 1e-6,
                        _ message: @autoclosure () -> String = "",
                        file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("count \(actual.count) ≠ expected \(expected.count) \(message())", file: file, line: line)
        return
    }
    var worst: (index: Int, excess: Float)? = nil
    for i in 0..<actual.count {
        let a = actual[i], e = expected[i]
        if a.isNaN != e.isNaN { worst = (i, .infinity); break }
        if a.isNaN { continue }
        if a == e { continue }  // covers matching infinities
        let excess = abs(a - e) - (atol + rtol * abs(e))
        if excess > 0 && excess > (worst?.excess ?? 0) { worst = (i, excess) }
    }
    if let worst {
        XCTFail("element \(worst.index): \(actual[worst.index]) vs expected \(expected[worst.index]) "
                + "(rtol \(rtol), atol \(atol)) \(message())", file: file, line: line)
    }
}
