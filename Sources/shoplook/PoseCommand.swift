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
            or no_person; score is the pose-presence score of the largest person; the reason says whether the learned \
            verdict (pose-verdict.json in the models folder, `shoplook train pose-verdict`) or the rules decided. A bad file prints \
            {"file", "error"} and the command goes on.
            """)

    @OptionGroup var model: ModelOptions

    @Argument(help: "JPEG or PNG files.")
    var files: [String]

    func run() throws {
        let modelFiles = try model.modelFiles()
        let estimator = try PoseEstimator(files: modelFiles)
        let policy = PoseVerdictPolicy.locate(in: modelFiles)
        let output = JSONLineWriter()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                output.write(["file": file, "error": "cannot read the file"])
                continue
            }
            do {
                let result = try estimator.estimate(encoded: [UInt8](data))
                let (verdict, reason) = policy.assess(result)
                output.write([
                    "file": file, "verdict": verdict.rawValue, "score": result.presenceScore, "people": result.people, "reason": reason,
                ])
            } catch {
                output.write(["file": file, "error": "\(error)"])
            }
        }
    }
}
