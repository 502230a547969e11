import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookCore
import ShopLookModelOptions
import ShopLookPose

struct EvalPoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose",
        abstract: "Pose-filter accuracy on labelled photos, or the learned verdict cross-validated.",
        discussion: """
            With --labels (a CSV with columns file and label; paths relative to the CSV): the verdict the pose stage \
            would give (--verdict: the learned network in the models folder when present, else the rules; or \
            'rules', or a network file) against the labels. With --cross-validate: the data sets of \
            `shoplook train pose-verdict`, the learned verdict cross-validated over --folds folds (never scoring a \
            photo with a network that saw it) beside the rules, nothing written. Prints accuracy, full_front-vs-rest \
            accuracy, precision and recall, per-class recall and precision, and the confusion matrix as JSON.
            """)

    @OptionGroup var model: ModelOptions

    @Option(help: "A labels CSV (file,label,...) to score.")
    var labels: String?

    @Option(help: "With --labels: 'policy' (learned when present, else rules), 'rules', or a pose-verdict network file.")
    var verdict = "policy"

    @Flag(help: "Cross-validate the learned verdict on the data sets (see `shoplook train pose-verdict`).")
    var crossValidate = false

    @Option(help: "With --cross-validate: folds.")
    var folds = 5

    @OptionGroup var data: PoseVerdictDataOptions
    @OptionGroup var training: PoseVerdictTrainerOptions

    func validate() throws {
        guard (labels != nil) != crossValidate else { throw ValidationError("give either --labels or --cross-validate") }
        guard !crossValidate || folds >= 2 else { throw ValidationError("--folds must be at least 2") }
    }

    func run() async throws {
        let modelFiles = try model.modelFiles()
        let estimator = try PoseEstimator(files: modelFiles)
        if crossValidate {
            let observed = try data.dataset().observe(with: estimator, cache: data.cacheURL(models: modelFiles.directory))
            JSONLineWriter().write(PoseVerdictCrossValidationRun(observed: observed, trainer: training.trainer).report(folds: folds))
            return
        }
        let policy: PoseVerdictPolicy
        switch verdict {
        case "policy": policy = PoseVerdictPolicy.locate(in: modelFiles)
        case "rules": policy = PoseVerdictPolicy(network: nil, fallbackNote: "--verdict rules")
        default:
            guard let bytes = FileManager.default.contents(atPath: verdict) else { throw ValidationError("cannot read \(verdict)") }
            policy = PoseVerdictPolicy(network: try PoseVerdictNetwork.load(bytes))
        }
        let csv = URL(fileURLWithPath: labels!)
        var truth: [PoseVerdict] = []
        var verdicts: [PoseVerdict] = []
        var failures: [[String: Any]] = []
        for row in try PoseVerdictDataset.labelledRows(csv: csv) {
            let path = csv.deletingLastPathComponent().appendingPathComponent(row.file).path
            do {
                guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read the file") }
                verdicts.append(policy.verdict(try estimator.estimate(encoded: [UInt8](data))))
                truth.append(row.label)
            } catch {
                failures.append(["file": row.file, "error": "\(error)"])
            }
        }
        var report = PoseVerdictReport.figures(labels: truth, verdicts: verdicts)
        report["verdict"] = policy.kind
        if let note = policy.fallbackNote { report["fallback"] = note }
        report["failed"] = failures.count
        report["failures"] = failures
        JSONLineWriter().write(report)
    }
}
