import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookModelOptions
import ShopLookCore
import ShopLookPipeline
import ShopLookPose
import ShopLookRuntimes

struct PoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose",
        abstract: "BlazePose on photos: a verdict per file, one JSON object per line.",
        discussion: """
            Prints {"file", "verdict", "score", "people", "reason"}: verdict full_front, full_back, full_side, partial \
            or no_person; score is the pose-presence score of the largest person. A bad file prints \
            {"file", "error"} and the command goes on. With --landmarks, also "width" and "height" (the displayed \
            image) and "landmarks": the largest person's 33 landmarks as [x, y, visibility, presence] in its pixels.
            """)

    @OptionGroup var model: ModelOptions

    @Flag(help: "Also print the image size and the 33 landmarks of the largest person.")
    var landmarks = false

    @Argument(help: "JPEG or PNG files.")
    var files: [String]

    func run() throws {
        let modelFiles = try model.modelFiles()
        let estimator = try PoseEstimator(files: modelFiles)
        let rules = PoseVerdictRules()
        let output = JSONLineWriter()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                output.write(["file": file, "error": "cannot read the file"])
                continue
            }
            do {
                let result = try estimator.estimate(encoded: [UInt8](data))
                let (verdict, reason) = rules.assess(result)
                var line: [String: Any] = [
                    "file": file, "verdict": verdict.rawValue, "score": result.presenceScore, "people": result.people, "reason": reason,
                ]
                if landmarks {
                    line["width"] = result.imageWidth
                    line["height"] = result.imageHeight
                    line["landmarks"] = (result.landmarks ?? []).map { [$0.x, $0.y, $0.visibility, $0.presence] }
                }
                output.write(line)
            } catch {
                output.write(["file": file, "error": "\(error)"])
            }
        }
    }
}

struct EvalPoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose",
        abstract: "Pose-filter accuracy on labelled photos (a CSV with columns file and label; paths relative to the CSV).",
        discussion: "Prints accuracy, full_front-vs-rest accuracy, precision and recall, and the confusion matrix as JSON.")

    @OptionGroup var model: ModelOptions

    @Option(help: "The labels CSV (file,label,...).")
    var labels: String

    func run() throws {
        let csv = URL(fileURLWithPath: labels)
        let rows = try CSVReader.parse(try String(contentsOf: csv, encoding: .utf8))
        guard let header = rows.first, let fileColumn = header.firstIndex(of: "file"), let labelColumn = header.firstIndex(of: "label") else {
            throw ValidationError("\(labels) needs a header with file and label columns")
        }
        let modelFiles = try model.modelFiles()
        let estimator = try PoseEstimator(files: modelFiles)
        let rules = PoseVerdictRules()
        var truth: [PoseVerdict] = []
        var verdicts: [PoseVerdict] = []
        var failures: [[String: Any]] = []
        for row in rows.dropFirst() where row.count > max(fileColumn, labelColumn) {
            guard let label = PoseVerdict(rawValue: row[labelColumn]) else {
                throw ValidationError("unknown label \(row[labelColumn]) for \(row[fileColumn])")
            }
            let path = csv.deletingLastPathComponent().appendingPathComponent(row[fileColumn]).path
            do {
                guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read the file") }
                verdicts.append(rules.verdict(try estimator.estimate(encoded: [UInt8](data))))
                truth.append(label)
            } catch {
                failures.append(["file": row[fileColumn], "error": "\(error)"])
            }
        }
        let evaluation = PoseEvaluation(labels: truth, verdicts: verdicts)
        JSONLineWriter().write([
            "photos": evaluation.photos, "failed": failures.count, "accuracy": evaluation.accuracy,
            "full_front_accuracy": evaluation.fullFrontAccuracy, "full_front_precision": evaluation.fullFrontPrecision,
            "full_front_recall": evaluation.fullFrontRecall, "confusion": evaluation.confusion.mapValues { $0 as Any },
            "failures": failures,
        ])
    }
}
