import Foundation
import Logging
import ShopLookBlobStore
import ShopLookCore
import ShopLookKafka
import ShopLookPipeline
import ShopLookStreaming
import ShopLookPose
import ShopLookPostgres
import ShopLookRuntimes
import ShopLookTestSupport
import ShopLookVision
import Testing

/// The whole catalog pipeline in one process: ingest → pose → detect → embed, each stage its own consumer-group
/// member, on a real broker, PostgreSQL and the real models.
@Suite(.serialized, .requiresDatabase, .requiresBroker, .requiresModels) struct CatalogPipelineTests {
    let logger: Logger = {
        var logger = Logger(label: "catalog-pipeline-test")
        logger.logLevel = .error
        return logger
    }()

    /// Full-body street photos from `$SHOPLOOK_DATASETS/ccp/photos` when the data sets are there (they add the
    /// person path: pose regions → crops → vectors); the rest of the test runs everywhere.
    static func streetPhotos() -> [URL] {
        guard let root = ProcessInfo.processInfo.environment["SHOPLOOK_DATASETS"], !root.isEmpty else {
            print("CatalogPipelineTests: SHOPLOOK_DATASETS is not set; running without full-body street photos")
            return []
        }
        let photos = URL(fileURLWithPath: root).appendingPathComponent("ccp/photos")
        return ["0001.jpg", "0004.jpg", "0013.jpg"].map { photos.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    @Test func everyImageReachesATerminalStateWithOneVectorPerArticle() async throws {
        let testdata = TestModelFiles.testdata
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-pipeline-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        // Product photos in class folders (the folder is the catalog category), a PNG, a duplicate upload, a
        // half-body and a turned full-body photo (rejected by the pose filter) and a corrupt JPEG (dead-lettered).
        let catalog = root.appendingPathComponent("catalog")
        for folder in ["shirt", "skirt", "shoes", "people"] {
            try FileManager.default.createDirectory(at: catalog.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let cat = try Data(contentsOf: testdata.appendingPathComponent("chelsea.jpg"))
        try cat.write(to: catalog.appendingPathComponent("shirt/a.jpg"))
        try Data(contentsOf: testdata.appendingPathComponent("coffee.jpg")).write(to: catalog.appendingPathComponent("skirt/b.jpg"))
        try Data(contentsOf: testdata.appendingPathComponent("coffee.png")).write(to: catalog.appendingPathComponent("shoes/c.png"))
        try cat.write(to: catalog.appendingPathComponent("skirt/copy-of-a.jpg"))
        try Data(contentsOf: testdata.appendingPathComponent("astronaut.jpg")).write(to: catalog.appendingPathComponent("people/d.jpg"))
        // A full-body photo, but of a woman turned away (the pose filter keeps frontal shots only).
        try Data(contentsOf: testdata.appendingPathComponent("person.jpg")).write(to: catalog.appendingPathComponent("people/e.jpg"))
        try cat.prefix(900).write(to: catalog.appendingPathComponent("shirt/broken.jpg"))
        let street = Self.streetPhotos()

        let topics = ShopLookTopics(prefix: "e2e.")
        let shards = 2
        let broker = try await TestBroker(topics: [
            topics.newImage: 2, topics.poseFiltered: 2, topics.croppedArticles: 2, topics.embedded: shards,
            topics.deadLetter(for: .pose): 1, topics.deadLetter(for: .detect): 1, topics.deadLetter(for: .embed): 1,
        ])
        defer { broker.stop() }
        try await TestDatabase.withMigratedSchema { schema in
            let pool = PostgresPool(configuration: try schema.configuration(), maximumConnections: 6, logger: logger)
            let store = try FileBlobStore(root: root.appendingPathComponent("blobs"))
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger)
            let codec = try MessageCodec()

            let summary = try await CatalogIngestor(store: store, pool: pool, producer: producer, codec: codec, topics: topics)
                .ingest(try IngestSources.items(from: [catalog.path] + street.map(\.path)), concurrency: 2)
            #expect(summary.new == 6 + street.count)
            #expect(summary.duplicate == 1)

            let embedder = try ImageEmbedder(models: TestModelFiles.files)
            let categorizer = try ImageEmbedder(models: TestModelFiles.files, framing: .centerCrop)
            func worker<P: StageProcessor>(_ stage: PipelineStage, _ processor: P) -> StageWorker<P> {
                StageWorker(
                    configuration: StageWorkerConfiguration(stage: stage, topics: topics, consumer: broker.consumerConfiguration(group: stage.rawValue)),
                    processor: processor, producer: producer, pool: pool, codec: codec, logger: logger)
            }
            let pose = worker(.pose, PoseStageProcessor(pose: try PoseService(files: TestModelFiles.files), store: store, pool: pool, codec: codec, topics: topics))
            let detect = worker(.detect, DetectStageProcessor(categorizer: categorizer, store: store, pool: pool, codec: codec, topics: topics))
            let embed = worker(.embed, EmbedStageProcessor(
                embedder: embedder, store: store, pool: pool, codec: codec, topics: topics, shardCount: shards))
            let running = [Task { try await pose.run() }, Task { try await detect.run() }, Task { try await embed.run() }]

            let expectedImages = 6 + street.count
            let states = try await withTimeout(.seconds(180), "every image in a terminal state") {
                while true {
                    let rows = try await pool.withConnection { connection in
                        try await connection.query("SELECT state, count(*) FROM images GROUP BY state")
                    }
                    var states: [String: Int] = [:]
                    for row in rows { states[try row.decode(String.self, at: 0)] = try row.decode(Int.self, at: 1) }
                    let terminal = ["embedded", "rejected", "dead_lettered"].reduce(0) { $0 + states[$1, default: 0] }
                    if terminal == expectedImages { return states }
                    try await Task.sleep(for: .milliseconds(100))   // polling PostgreSQL: the state is the event
                }
            }
            pose.stop()
            detect.stop()
            embed.stop()
            for task in running { try await task.value }

            #expect(states["dead_lettered"] == 1, "the corrupt JPEG")
            let rejected = try await pool.withConnection { connection in
                try await connection.query("SELECT state_reason FROM images WHERE state = 'rejected'")
            }.map { try $0.decode(String.self, at: 0) }
            #expect(rejected.contains { $0.hasPrefix("pose: partial") }, "the half-body photo: \(rejected)")
            #expect(rejected.contains { $0.hasPrefix("pose: full_back") }, "the turned full-body photo: \(rejected)")
            // Every article has exactly one vector, and every embedded image has its articles.
            let counts = try await pool.withConnection { connection in
                try await connection.query(
                    """
                    SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM vectors),
                           (SELECT count(DISTINCT article_id) FROM vectors),
                           (SELECT count(*) FROM images i WHERE state = 'embedded'
                               AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.image_id = i.image_id))
                    """)[0]
            }
            let articles = try counts.decode(Int.self, at: 0)
            #expect(articles >= 3, "three product photos, one article each, plus the street photos' articles")
            #expect(try counts.decode(Int.self, at: 1) == articles, "one vector per article")
            #expect(try counts.decode(Int.self, at: 2) == articles, "none twice")
            #expect(try counts.decode(Int.self, at: 3) == 0)
            if !street.isEmpty {
                // Full-body shots: upper, lower and foot wear each.
                let personArticles = try await pool.withConnection { connection in
                    try await connection.query("SELECT count(*) FROM articles WHERE image_id IN (SELECT image_id FROM pose_results WHERE verdict = 'full_front')")
                }[0]
                #expect(try personArticles.decode(Int.self, at: 0) == 3 * street.count)
            }
            try await producer.close()
            await pool.close()
        }
    }
}
