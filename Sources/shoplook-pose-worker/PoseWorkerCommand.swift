import ArgumentParser
import ShopLookCommandSupport
import ShopLookModelOptions
import ShopLookPipeline
import ShopLookPose
import ShopLookWorker

/// The pose stage as a process: `new-image` → BlazePose verdicts in PostgreSQL → `pose-filtered`.
@main
struct PoseWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoplook-pose-worker",
        abstract: "Run the pose stage: consume new-image, record BlazePose verdicts, forward kept photos to pose-filtered.")

    @OptionGroup var worker: StageWorkerOptions
    @OptionGroup var model: ModelOptions

    @Option(help: "Article boxes: auto (the garment parser when trained, else pose-guided), parser or pose.")
    var articleBoxes: ArticleBoxChoice = .automatic

    func run() async throws {
        try await StageWorkerApplication(stage: .pose, options: worker) { resources in
            let pose = try PoseService(files: try model.modelFiles(), articleBoxes: articleBoxes)
            if let fallback = pose.articleBoxFallback {
                resources.logger.notice("article boxes: pose-guided", metadata: ["why": "\(fallback)"])
            } else {
                resources.logger.info("article boxes: \(pose.articleBoxMethod)")
            }
            return PoseStageProcessor(pose: pose, store: resources.store, pool: resources.pool, codec: resources.codec, topics: resources.topics)
        }.run()
    }
}

extension ArticleBoxChoice: ExpressibleByArgument {}
