import ShopLookCore

/// Pose-filter quality on labelled photos: the verdicts against the labels, and `full_front` (the photos the
/// catalog pipeline keeps) against the rest.
public struct PoseEvaluation: Sendable, Equatable {
    public var photos: Int
    /// Share of photos whose verdict equals the label (all five classes).
    public var accuracy: Double
    /// Share of photos on the right side of "full_front or not".
    public var fullFrontAccuracy: Double
    /// Of the photos called `full_front`, the share labelled so.
    public var fullFrontPrecision: Double
    /// Of the photos labelled `full_front`, the share called so.
    public var fullFrontRecall: Double
    /// `confusion[label][verdict]` = count.
    public var confusion: [String: [String: Int]]

    public init(labels: [PoseVerdict], verdicts: [PoseVerdict]) {
        precondition(labels.count == verdicts.count, "one verdict per label")
        photos = labels.count
        let pairs = zip(labels, verdicts)
        let total = Double(max(1, photos))
        accuracy = Double(pairs.filter { $0 == $1 }.count) / total
        fullFrontAccuracy = Double(pairs.filter { ($0 == .fullFront) == ($1 == .fullFront) }.count) / total
        let calledFront = pairs.filter { $1 == .fullFront }
        let labelledFront = pairs.filter { $0.0 == .fullFront }
        fullFrontPrecision = calledFront.isEmpty ? 0 : Double(calledFront.filter { $0.0 == .fullFront }.count) / Double(calledFront.count)
        fullFrontRecall = labelledFront.isEmpty ? 0 : Double(labelledFront.filter { $0.1 == .fullFront }.count) / Double(labelledFront.count)
        var confusion: [String: [String: Int]] = [:]
        for (label, verdict) in pairs { confusion[label.rawValue, default: [:]][verdict.rawValue, default: 0] += 1 }
        self.confusion = confusion
    }
}
