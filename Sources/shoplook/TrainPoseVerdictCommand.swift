import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookCore
import ShopLookModelOptions
import ShopLookPose

struct TrainPoseVerdictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose-verdict",
        abstract: "Train the learned pose verdict (a tiny network on the BlazePose landmarks) and cross-validate it.",
        discussion: """
            Runs BlazePose on the labelled photos (ccp street photos with the project's labels, their mirror images \
            and cut-off versions, people/, clothing-small product photos; see PoseVerdictDataset), caching the \
            observations, then reports --folds-fold cross-validated figures for the learned verdict and the rules \
            (no photo scored by a network that saw it, mirrored or cut), trains on everything and writes the \
            network (default: pose-verdict.json in the models folder, where the pose stage finds it). The weights \
            derive from ccp, which may train only locally: they are never committed.
            """)

    @OptionGroup var model: ModelOptions
    @OptionGroup var data: PoseVerdictDataOptions
    @OptionGroup var training: PoseVerdictTrainerOptions

    @Option(help: "Cross-validation folds (0: none).")
    var folds = 5

    @Option(help: "Where to write the network (default: pose-verdict.json in the models folder).")
    var output: String?

    func run() async throws {
        let modelFiles = try model.modelFiles()
        let dataset = try data.dataset()
        let estimator = try PoseEstimator(files: modelFiles)
        let started = ContinuousClock.now
        let observed = try dataset.observe(with: estimator, cache: data.cacheURL(models: modelFiles.directory))
        var report = PoseVerdictCrossValidationRun(observed: observed, trainer: training.trainer).report(folds: folds)
        var trainedOn: [String: Int] = [:]
        for (item, _) in observed { trainedOn[item.source, default: 0] += 1 }
        let network = training.trainer.train(
            features: observed.map { PoseFeatures.vector($0.1.result) }, labels: observed.map(\.0.label), trainedOn: trainedOn)
        let url = output.map { URL(fileURLWithPath: $0) } ?? modelFiles.directory.appendingPathComponent(PoseVerdictNetwork.fileName)
        try network.serialized().write(to: url, options: .atomic)
        report["output"] = url.path
        report["trained_on"] = trainedOn
        report["seconds"] = Double((ContinuousClock.now - started).components.seconds)
        JSONLineWriter().write(report)
    }
}

/// Cross-validates the learned verdict on observed samples and scores the rules on the same ones.
struct PoseVerdictCrossValidationRun {
    var observed: [(PoseVerdictDataset.Item, PoseObservation)]
    var trainer: PoseVerdictTrainer

    /// The JSON report: sample counts, then per subset (all, not_rule_tuned, by source) the cross-validated
    /// learned figures (when `folds` ≥ 2) and the rules' figures, on the scored samples.
    func report(folds: Int) -> [String: Any] {
        let samples = observed.map { item, observation in
            PoseCrossValidation.Sample(
                features: PoseFeatures.vector(observation.result), label: item.label, group: item.group, scored: item.scored)
        }
        let scored = observed.indices.filter { observed[$0].0.scored }
        let sources = scored.map { observed[$0].0.source }
        let labels = scored.map { observed[$0].0.label }
        let rules = PoseVerdictRules()
        var report: [String: Any] = [
            "samples": observed.count, "scored": scored.count, "folds": folds, "hidden": trainer.hidden,
            "front_threshold": trainer.frontThreshold,
            "rules": PoseVerdictReport.bySubset(sources: sources, labels: labels, verdicts: scored.map { rules.verdict(observed[$0].1.result) }),
        ]
        if folds >= 2 {
            let predictions = PoseCrossValidation(folds: folds, trainer: trainer).predictions(samples)
            let verdicts = scored.map { predictions[$0]!.verdict }
            report["learned_cross_validated"] = PoseVerdictReport.bySubset(sources: sources, labels: labels, verdicts: verdicts)
            let notTuned = scored.indices.filter { sources[$0] != "people" }
            report["learned_front_thresholds_not_rule_tuned"] = PoseVerdictReport.frontThresholds(
                [0.5, 0.6, 0.7, 0.8, 0.9, 0.95], labels: notTuned.map { labels[$0] },
                frontProbabilities: notTuned.map { predictions[scored[$0]]!.front })
            // Mistakes about full_front first (the ones the catalog sees), then the rest.
            let mistakes = scored.indices.filter { labels[$0] != verdicts[$0] }
            let aboutFront = mistakes.filter { labels[$0] == .fullFront || verdicts[$0] == .fullFront }
            report["learned_mistakes"] = (aboutFront + mistakes.filter { !aboutFront.contains($0) }).prefix(80).map { i in
                let index = scored[i]
                return "\(observed[index].0.id): \(labels[i].rawValue) called \(verdicts[i].rawValue) (p front \((predictions[index]!.front * 100).rounded() / 100))"
            }
        }
        return report
    }
}
