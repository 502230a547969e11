import ArgumentParser
import ShopLookCommandSupport
import ShopLookModelOptions
import ShopLookPipeline
import ShopLookVision
import ShopLookWorker

/// The detect stage as a process: `pose-filtered` → article crops and rows → `cropped-articles`.
@main
struct DetectWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoplook-detect-worker",
        abstract: "Run the detect stage: consume pose-filtered, cut out and name each article, produce cropped-articles.")

    @OptionGroup var worker: StageWorkerOptions
    @OptionGroup var model: ModelOptions

    @Option(help: "Which stage names a person photo's articles: embed (from the embedder's own pass) or detect (a pass of its own here).")
    var naming: DetectStageProcessor.ArticleNaming = .embedStage

    @Option(help: "EfficientNet-Lite0 in int8 or float, for the articles named here.")
    var precision: ModelPrecision = .int8

    func run() async throws {
        try await StageWorkerApplication(stage: .detect, options: worker) { resources in
            // Only the ImageNet logits are needed to name the articles: one centre-crop pass, no projection.
            DetectStageProcessor(
                categorizer: try ImageEmbedder(models: try model.modelFiles(), framing: .centerCrop, precision: precision),
                store: resources.store, pool: resources.pool, codec: resources.codec, topics: resources.topics, naming: naming)
        }.run()
    }
}

extension DetectStageProcessor.ArticleNaming: ExpressibleByArgument {}
