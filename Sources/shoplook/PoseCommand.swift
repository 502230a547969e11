import ArgumentParser
import Foundation
import ShopLookPose
import ShopLookRuntimes

struct PoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose",
        abstract: "BlazePose on photos: a verdict per file, one JSON object per line.",
        discussion: """
            Prints {"file", "verdict", "score", "people", "reason"}: verdict full_front, full_back, full_side, partial \
            or no_person; score is the pose-presence score of the largest person. A bad file prints \
            {"file", "error"} and the command goes on.
            """)

    @Option(help: "Folder of the fetched models (default: $SHOPLOOK_MODELS or the project's .models/).")
    var models: String?

    @Argument(help: "JPEG files.")
    var files: [String]

    func run() throws {
        let modelFiles = try models.map { ModelFiles(directory: URL(fileURLWithPath: $0)) } ?? ModelFiles.locate(environment: Settings.environment)
        let runtime = try LiteRtRuntime(libraryPath: try modelFiles.liteRtLibrary.path)
        let estimator = try PoseEstimator(runtime: runtime, files: modelFiles)
        let rules = PoseVerdictRules()
        let output = JSONLineWriter()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                output.write(["file": file, "error": "cannot read the file"])
                continue
            }
            do {
                let result = try estimator.estimate(jpeg: [UInt8](data))
                let (verdict, reason) = rules.assess(result)
                output.write([
                    "file": file, "verdict": verdict.rawValue, "score": result.presenceScore, "people": result.people, "reason": reason,
                ])
            } catch {
                output.write(["file": file, "error": "\(error)"])
            }
        }
    }
}
