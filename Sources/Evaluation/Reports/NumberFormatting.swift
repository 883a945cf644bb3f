import Foundation

/// `value` with `digits` significant digits in the shorter of plain and scientific notation, as C's
/// `%g` but with trailing zeros dropped and a compact exponent: 0.0412, 27.3412, 1.2e3, 3.5e-5.
///
/// Scientific notation is used when the decimal exponent is below −4 or at least `digits`, and also,
/// for `digits` ≤ 3, from 1000 up (so a short progress line shows 1.2e3, not 1200). NaN and ±∞ are
/// "nan", "inf" and "-inf".
public func formatSignificant(_ value: Double, digits: Int) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    if value == 0 { return "0" }
    let scientific = String(format: "%.\(digits - 1)e", value)  // "-4.12e-02"
    let parts = scientific.split(separator: "e")
    let mantissa = trimmingZeros(String(parts[0])), exponent = Int(parts[1])!
    let plainLimit = digits <= 3 ? 3 : digits
    if exponent < -4 || exponent >= plainLimit { return "\(mantissa)e\(exponent)" }
    let rounded = Double(scientific)!
    return trimmingZeros(String(format: "%.\(max(0, digits - 1 - exponent))f", rounded))
}

/// "1.2300" → "1.23", "4.000" → "4"; strings without a decimal point are unchanged.
private func trimmingZeros(_ text: String) -> String {
    guard text.contains(".") else { return text }
    var trimmed = Substring(text)
    while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
    if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
    return String(trimmed)
}
