import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ShopLookBlobStore
import ShopLookCore
import ShopLookKafka
import ShopLookLook
import ShopLookModelOptions
import ShopLookPostgres
import ShopLookTestSupport
import ShopLookVision

/// What looks under test run against: their own broker (`embedded` of four shards, `query-jobs`,
/// `dead-letter.query`), a migrated schema, a blob store and a snapshot folder.
struct LookFixture: Sendable {
    static let shards = 4

    let topics: ShopLookTopics
    let broker: TestBroker
    let schema: TestSchema
    let pool: PostgresPool
    let producer: KafkaProducer
    let codec: MessageCodec
    let store: FileBlobStore
    let scratch: URL
    let logger: Logger

    static func with(_ body: (LookFixture) async throws -> Void) async throws {
        var logger = Logger(label: "look-test")
        logger.logLevel = .error
        let topics = ShopLookTopics(prefix: "look-\(UUID().uuidString.prefix(6)).")
        let broker = try await TestBroker(topics: [topics.embedded: shards, topics.queryJobs: 3, topics.queryDeadLetter: 1])
        defer { broker.stop() }
        let scratch = TestPaths.scratchDirectory("look")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try await TestDatabase.withMigratedSchema { schema in
            let fixture = LookFixture(
                topics: topics, broker: broker, schema: schema,
                pool: PostgresPool(configuration: try schema.configuration(), maximumConnections: 4, logger: logger),
                producer: try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger),
                codec: try MessageCodec(), store: try FileBlobStore(root: scratch.appendingPathComponent("blobs")), scratch: scratch,
                logger: logger)
            try await closing(fixture.producer, fixture.pool) { try await body(fixture) }
        }
    }

    /// The embedder the workers use by default (int8, banded, the project's projection for it): the catalog's vectors.
    static func catalogEmbedder() throws -> ImageEmbedder {
        let framing = VisionOptions.defaultFraming(for: .int8)
        let url = TestPaths.packageRoot.appendingPathComponent("Models").appendingPathComponent(LinearProjection.defaultFileName(for: framing))
        return try ImageEmbedder(
            models: TestModelFiles.files, framing: framing, projection: try LinearProjection(serialized: [UInt8](Data(contentsOf: url))),
            precision: .int8)
    }

    var submitter: LookSubmitter { LookSubmitter(store: store, pool: pool, producer: producer, codec: codec, topics: topics) }
    var jobs: LookJobStore { LookJobStore(pool: pool) }

    /// Inserts a queued job directly (no photo, no message), created `age` ago with its deadline `deadlineIn` from now.
    func insertJob(age: Duration = .zero, deadlineIn: Duration = .seconds(30), topK: Int = 3) async throws -> UUID {
        let id = UUID()
        try await pool.withConnection { connection in
            _ = try await connection.execute(
                """
                INSERT INTO query_jobs (job_id, top_k, created_at, deadline_at)
                VALUES ($1, $2, now() - make_interval(secs => $3), now() + make_interval(secs => $4))
                """, [id, topK, age.seconds, deadlineIn.seconds])
        }
        return id
    }

    /// Writes catalog product `product` with one image and the given articles and their vectors (as the catalog
    /// pipeline would have), each on its shard.
    func insertCatalogProduct(
        _ product: String, title: String, imageID: String, articles: [LookArticle], modelVersion: String
    ) async throws -> [String] {
        try await pool.withConnection { connection in
            try await connection.transaction { connection in
                _ = try await connection.execute(
                    "INSERT INTO products (product_id, title, url) VALUES ($1, $2, 'https://shop.example/' || $1)", [product, title])
                _ = try await connection.execute(
                    "INSERT INTO images (image_id, blob_key, source, byte_size, state) VALUES ($1, $1, 'catalog', 1, 'embedded') ON CONFLICT DO NOTHING",
                    [imageID])
                _ = try await connection.execute("INSERT INTO product_images (product_id, image_id) VALUES ($1, $2)", [product, imageID])
                var ids: [String] = []
                for article in articles {
                    let id = SHA256.hexDigest(Array("\(imageID)/\(article.superCategory.rawValue)/\(article.ordinal)".utf8))
                    _ = try await connection.execute(
                        """
                        INSERT INTO articles (article_id, image_id, ordinal, super_category, category, x0, y0, x1, y1, score, crop_blob_key)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $2)
                        """,
                        [id, imageID, article.ordinal, article.superCategory.rawValue, article.category, Float(article.box.x0),
                         Float(article.box.y0), Float(article.box.x1), Float(article.box.y1)])
                    _ = try await connection.execute(
                        "INSERT INTO vectors (article_id, model_version, super_category, dim, shard, vector) VALUES ($1, $2, $3, $4, $5, $6)",
                        [id, modelVersion, article.superCategory.rawValue, article.vector.count,
                         ShardAssignment.shard(forArticleID: id, shardCount: Self.shards), Float32Vector(values: article.vector)])
                    ids.append(id)
                }
                return ids
            }
        }
    }

    // MARK: Processes

    var connectionArguments: [String] {
        ["--kafka-brokers", broker.bootstrapServers, "--kafka-property", "session.timeout.ms=6000", "--database-url", schema.url,
         "--topic-prefix", topics.prefix]
    }

    static var consumerEnvironment: [String: String] {
        [KafkaConfiguration.consumerPropertiesVariable: TestBroker.consumerProperties.map { "\($0.key)=\($0.value)" }.joined(separator: ",")]
    }

    /// Starts a searcher (rebuilds its shards from PostgreSQL) and waits until every shard is published.
    func startSearcher() async throws -> TestProcess {
        let process = try TestProcess(
            "shoplook-searcher",
            arguments: connectionArguments + ["--port", "0", "--snapshots", scratch.appendingPathComponent("snapshots").path],
            environment: Self.consumerEnvironment)
        try await withTimeout(.seconds(120), "the searcher publishes every shard") {
            while try await publishedShards() < Self.shards {
                if await process.transcript.value.exit != nil { throw TestSupportError("the searcher stopped: \(await process.output())") }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        return process
    }

    func publishedShards() async throws -> Int {
        try await pool.withConnection { connection in
            try await connection.query("SELECT count(*) FROM searcher_shards").first?.decode(Int.self, at: 0) ?? 0
        }
    }

    /// Starts a query worker (one processor instance) and waits until it consumes `query-jobs`.
    /// - Parameter streetProjection: `--street-projection`; `none` by default, so that a look's vectors are the
    ///   catalog's own (the catalog these tests insert is embedded by a ``LookAnalyzer`` without one), whatever the
    ///   setup trained into `.models/`.
    func startQueryWorker(searchDeadlineMs: Int = 5000, streetProjection: String = "none") async throws -> TestProcess {
        let process = try TestProcess(
            "shoplook-query-worker",
            arguments: connectionArguments + [
                "--blob-root", store.root.path, "--metrics-port", "0", "--concurrency", "1",
                "--search-deadline-ms", String(searchDeadlineMs), "--shards", String(Self.shards),
                "--street-projection", streetProjection,
            ],
            environment: Self.consumerEnvironment)
        _ = try await withTimeout(.seconds(120), "the query worker consumes query-jobs") {
            try await process.line(containing: "query worker consuming")
        }
        return process
    }

    /// Starts `shoplook-api` on a free port against this fixture; returns it with its base URL.
    func startAPI() async throws -> (process: TestProcess, base: String) {
        let process = try TestProcess(
            "shoplook-api",
            arguments: ["--host", "127.0.0.1", "--port", "0", "--database-url", schema.url, "--kafka-brokers", broker.bootstrapServers,
                        "--topic-prefix", topics.prefix, "--blob-root", store.root.path],
            environment: ["SHOPLOOK_LOG_LEVEL": "info"])
        return (process, "http://\(try await process.listeningAddress())")
    }

    /// One HTTP request (never cancelled while in flight: that can deadlock FoundationNetworking).
    func http(_ method: String, _ url: String, body: [UInt8]? = nil, contentType: String? = nil)
        async throws -> (status: Int, headers: [String: String], body: [UInt8])
    {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let body { request.httpBody = Data(body) }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw TestSupportError("\(method) \(url): not HTTP") }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields { headers["\(name)"] = "\(value)" }
        return (http.statusCode, headers, [UInt8](data))
    }

    /// Waits until the query workers' group has consumed (and committed) every message of `query-jobs`.
    func waitForQueryWorkers(_ what: String) async throws {
        let inspector = try KafkaGroupInspector(
            configuration: broker.kafkaConfiguration(), groupID: topics.queryConsumerGroup, logger: logger)
        try await withTimeout(.seconds(60), what) {
            while try await inspector.lag(topic: topics.queryJobs).contains(where: { $0.lag != 0 }) {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Runs `shoplook look` with `arguments` on `photo`; returns how it ended and what it printed.
    func lookCommand(_ photo: String, _ arguments: [String]) async throws -> (exit: TestProcess.Exit, output: String) {
        let process = try TestProcess(
            "shoplook",
            arguments: ["look", photo] + ["--kafka-brokers", broker.bootstrapServers, "--database-url", schema.url,
                                          "--topic-prefix", topics.prefix, "--blob-root", store.root.path] + arguments)
        let exit = await process.exit()
        return (exit, await process.output())
    }
}
