import Foundation

/// The results of an evaluation: a title, free-form details (checkpoint, dataset, crop …) and named
/// metric values with units. Saved as pretty-printed JSON with sorted keys, shown as a text table.
public struct EvaluationReport: Codable, Equatable, Sendable {
    /// One measured value, e.g. PSNR 27.3 dB.
    public struct Metric: Codable, Equatable, Sendable {
        public var name: String
        public var value: Double
        /// The unit ("dB", "s", "it/s"), or "" for a plain number.
        public var unit: String

        public init(name: String, value: Double, unit: String = "") {
            self.name = name
            self.value = value
            self.unit = unit
        }
    }

    public var title: String
    public var details: [String: String]
    public var metrics: [Metric]

    public init(title: String, details: [String: String] = [:], metrics: [Metric]) {
        self.title = title
        self.details = details
        self.metrics = metrics
    }

    /// The value of the metric named `name`, if present.
    public subscript(metric name: String) -> Double? {
        metrics.first { $0.name == name }?.value
    }

    /// The report as pretty-printed JSON with sorted keys. NaN and ±∞ (JSON has no literal for them)
    /// are written as the strings "nan", "inf" and "-inf".
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    /// Writes the report as JSON to `url`, replacing any file there.
    public func write(to url: URL) throws {
        let data = try jsonData()
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw ReportError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Reads a report that `write(to:)` saved.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ReportError.cannotRead(path: url.path, reason: error.localizedDescription)
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            self = try decoder.decode(EvaluationReport.self, from: data)
        } catch let error as DecodingError {
            throw ReportError.malformed(path: url.path, reason: describe(error))
        }
    }
}

/// Why a report could not be saved or read, with the file's path.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    /// The file is not JSON or lacks a field of a report; the reason names the field.
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): "cannot write report \(path): \(reason)"
        case .cannotRead(let path, let reason): "cannot read report \(path): \(reason)"
        case .malformed(let path, let reason): "\(path) is not an evaluation report: \(reason)"
        }
    }
}

/// A decoding error as "key metrics.0.value: expected Double" (or Foundation's description).
private func describe(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context, _ key: CodingKey? = nil) -> String {
        let keys = context.codingPath + (key.map { [$0] } ?? [])
        return keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context): return "missing key \(path(context, key))"
    case .typeMismatch(let type, let context): return "key \(path(context)): expected \(type)"
    case .valueNotFound(let type, let context): return "key \(path(context)): expected \(type), found null"
    case .dataCorrupted(let context):
        return context.codingPath.isEmpty ? "not valid JSON" : "key \(path(context)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
}
