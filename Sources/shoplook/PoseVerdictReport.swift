import ShopLookCore
import ShopLookPose

/// The figures `shoplook eval pose` and `shoplook train pose-verdict` print for a set of verdicts against labels:
/// ``PoseEvaluation``'s, plus each class's count, recall and precision, and the accuracy with `partial` and
/// `no_person` taken as one class (both reject the photo), over the whole set and its parts.
enum PoseVerdictReport {
    /// Accuracy, full_front precision/recall, confusion and per-class figures.
    static func figures(labels: [PoseVerdict], verdicts: [PoseVerdict]) -> [String: Any] {
        let evaluation = PoseEvaluation(labels: labels, verdicts: verdicts)
        var perClass: [String: Any] = [:]
        for verdict in PoseVerdict.allCases {
            let labelled = zip(labels, verdicts).filter { $0.0 == verdict }
            let called = zip(labels, verdicts).filter { $0.1 == verdict }
            guard !labelled.isEmpty || !called.isEmpty else { continue }
            perClass[verdict.rawValue] = [
                "labelled": labelled.count, "called": called.count,
                "recall": labelled.isEmpty ? 0 : Double(labelled.filter { $0.1 == verdict }.count) / Double(labelled.count),
                "precision": called.isEmpty ? 0 : Double(called.filter { $0.0 == verdict }.count) / Double(called.count),
            ] as [String: Any]
        }
        // partial and no_person are both rejections: a photo cut at the head leaves the face-anchored detector
        // nobody to find, so such a photo is no_person to the pose stage, and rejected all the same.
        let rejected: Set<PoseVerdict> = [.partial, .noPerson]
        let mergedRight = zip(labels, verdicts).filter { $0 == $1 || (rejected.contains($0) && rejected.contains($1)) }.count
        return [
            "photos": evaluation.photos, "accuracy": evaluation.accuracy,
            "accuracy_rejections_merged": labels.isEmpty ? 0 : Double(mergedRight) / Double(labels.count),
            "full_front_accuracy": evaluation.fullFrontAccuracy,
            "full_front_precision": evaluation.fullFrontPrecision, "full_front_recall": evaluation.fullFrontRecall,
            "confusion": evaluation.confusion.mapValues { $0 as Any }, "per_class": perClass,
        ]
    }

    /// ``figures(labels:verdicts:)`` over all samples, over those no rule was tuned on (every source but
    /// `people`), and per source. `sources[i]` names sample i's source.
    static func bySubset(sources: [String], labels: [PoseVerdict], verdicts: [PoseVerdict]) -> [String: Any] {
        func subset(_ keep: (String) -> Bool) -> [String: Any] {
            let chosen = sources.indices.filter { keep(sources[$0]) }
            return figures(labels: chosen.map { labels[$0] }, verdicts: chosen.map { verdicts[$0] })
        }
        var out: [String: Any] = ["all": subset { _ in true }, "not_rule_tuned": subset { $0 != "people" }]
        var bySource: [String: Any] = [:]
        for source in Set(sources).sorted() { bySource[source] = subset { $0 == source } }
        out["by_source"] = bySource
        return out
    }
}

extension PoseVerdictReport {
    /// full_front against the rest when full_front is called from `threshold` up (the network's
    /// `frontThreshold`), for each threshold: precision, recall and accuracy from the out-of-fold probabilities.
    static func frontThresholds(_ thresholds: [Double], labels: [PoseVerdict], frontProbabilities: [Double]) -> [[String: Any]] {
        thresholds.map { threshold in
            let called = frontProbabilities.map { $0 >= threshold }
            let truth = labels.map { $0 == .fullFront }
            let truePositives = zip(called, truth).filter { $0 && $1 }.count
            return [
                "threshold": threshold,
                "precision": called.contains(true) ? Double(truePositives) / Double(called.filter { $0 }.count) : 0,
                "recall": truth.contains(true) ? Double(truePositives) / Double(truth.filter { $0 }.count) : 0,
                "accuracy": labels.isEmpty ? 0 : Double(zip(called, truth).filter { $0 == $1 }.count) / Double(labels.count),
            ]
        }
    }
}
