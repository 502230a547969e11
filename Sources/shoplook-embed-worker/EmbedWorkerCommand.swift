import ArgumentParser
import ShopLookCommandSupport
import ShopLookModelOptions
import ShopLookPipeline
import ShopLookWorker

/// The embed stage as a process: `cropped-articles` → vectors in PostgreSQL → `embedded`, on each article's shard.
@main
struct EmbedWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoplook-embed-worker",
        abstract: "Run the embed stage: consume cropped-articles, store one vector per article, produce embedded.")

    @OptionGroup var worker: StageWorkerOptions
    @OptionGroup var vision: VisionOptions

    func run() async throws {
        try await StageWorkerApplication(stage: .embed, options: worker) { resources in
            let embedder = try vision.embedder()
            // Unnamed articles are named from the embedder's own logits where it names crops, else by a centre-crop pass.
            return EmbedStageProcessor(
                embedder: embedder, categorizer: embedder.namesCrops ? nil : try vision.categorizer(),
                store: resources.store, pool: resources.pool, codec: resources.codec, topics: resources.topics)
        }.run()
    }
}
