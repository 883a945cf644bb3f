/// The fraction of `predictions` equal to their `labels` (0 when there are none).
public func classificationAccuracy(_ predictions: [Int], labels: [Int]) -> Double {
    Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
}
