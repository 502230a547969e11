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

    func run() async throws {
        try await StageWorkerApplication(stage: .pose, options: worker) { resources in
            PoseStageProcessor(
                pose: try PoseService(files: try model.modelFiles()), store: resources.store, pool: resources.pool,
                codec: resources.codec, topics: resources.topics)
        }.run()
    }
}
