import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookCore
import ShopLookLook
import ShopLookModelOptions
import ShopLookPose
import ShopLookSearchClient
import ShopLookVision
import ShopLookWorker

/// The query worker as a process: `query-jobs` → pose, articles and embeddings in-process → search through the
/// searchers → the answer in PostgreSQL (`query_results`, the job's state).
@main
struct QueryWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoplook-query-worker",
        abstract: "Answer looks: consume query-jobs, find the photo's articles, search every shard, write the answer.",
        discussion: """
            Its own consumer group (shoplook-query-worker), so the catalog's backlog never delays a shopper. Every \
            process also fails the looks that passed their deadline (a job never hangs). Start several for more \
            looks per second or for failover: a worker killed mid-look leaves it to another, which answers it once.
            """)

    @OptionGroup var worker: StageWorkerOptions
    @OptionGroup var vision: VisionOptions
    @OptionGroup var street: StreetProjectionOptions

    @Option(help: "Milliseconds the searchers get per look (less when the look's deadline is nearer).")
    var searchDeadlineMs = 2000

    @Option(help: "Search shards (the partitions of embedded).")
    var shards = ShopLookTopics.searchShardCount

    @Option(help: "A look that stopped this many workers (each died holding it) is failed instead of taken again.")
    var maxAttempts = 3

    @Option(help: "Milliseconds between deadline sweeps.")
    var sweepIntervalMs = 500

    func validate() throws {
        guard searchDeadlineMs > 0 else { throw ValidationError("--search-deadline-ms must be positive") }
        guard shards > 0 else { throw ValidationError("--shards must be positive") }
        guard (1...100).contains(maxAttempts) else { throw ValidationError("--max-attempts must be 1-100") }
        guard sweepIntervalMs > 0 else { throw ValidationError("--sweep-interval-ms must be positive") }
    }

    func run() async throws {
        let files = try vision.model.modelFiles()
        let member = "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(UUID().uuidString.prefix(8).lowercased())"
        let transport = HTTPSearchTransport()
        let searchDeadline = Duration.milliseconds(Int64(searchDeadlineMs))
        let shards = self.shards, maxAttempts = self.maxAttempts, sweepInterval = Duration.milliseconds(Int64(sweepIntervalMs))
        do {
            try await StageWorkerApplication(
                role: .query, options: worker,
                makeServices: { resources in
                    [LookJobSweeper(jobs: LookJobStore(pool: resources.pool), interval: sweepInterval, logger: resources.logger)]
                }
            ) { resources in
                let pose = try PoseService(files: files)
                if let fallback = pose.articleBoxFallback {
                    resources.logger.notice("article boxes: pose-guided", metadata: ["why": "\(fallback)"])
                } else {
                    resources.logger.info("article boxes: \(pose.articleBoxMethod)")
                }
                let embedder = try vision.embedder()
                let (streetProjection, why) = try street.load(models: vision.model, for: embedder)
                resources.logger.info("garment crops: \(why)")
                let analyzer = try LookAnalyzer(
                    pose: pose, embedder: embedder, streetProjection: streetProjection, models: files, store: resources.store)
                let client = SearchClient(
                    directory: CachedShardDirectory(ShardDirectory(pool: resources.pool)), transport: transport, shardCount: shards,
                    logger: resources.logger)
                var processor = LookJobProcessor(
                    analyzer: analyzer, search: client, store: resources.store, pool: resources.pool, worker: member, logger: resources.logger)
                processor.searchDeadline = searchDeadline
                processor.maximumAttempts = maxAttempts
                return processor
            }.run()
        } catch {
            await transport.shutdown()
            throw error
        }
        await transport.shutdown()
    }
}
