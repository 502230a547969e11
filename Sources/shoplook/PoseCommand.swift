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
