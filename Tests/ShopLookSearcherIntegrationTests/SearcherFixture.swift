import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ShopLookCore
import ShopLookKafka
import ShopLookPostgres
import ShopLookSearch
import ShopLookTestSupport

/// What searcher processes under test run against: their own broker (an `embedded` topic of four shards), a
/// migrated schema holding a synthetic catalog (one upper-wear article per image, two images per product,
/// clustered 32-d vectors), and a snapshot folder.
struct SearcherFixture: Sendable {
    static let shards = 4
    static let dimension = 32
    static let modelVersion = "test-v1"

    let topics: ShopLookTopics
    let broker: TestBroker
    let schema: TestSchema
    let pool: PostgresPool
    let producer: KafkaProducer
    let codec: MessageCodec
    let snapshots: URL
    let logger: Logger

    static func with(_ body: (SearcherFixture) async throws -> Void) async throws {
        var logger = Logger(label: "searcher-test")
        logger.logLevel = .error
        let topics = ShopLookTopics(prefix: "searcher-\(UUID().uuidString.prefix(6)).")
        let broker = try await TestBroker(topics: [topics.embedded: shards])
        defer { broker.stop() }
        let snapshots = FileManager.default.temporaryDirectory.appendingPathComponent("searcher-snapshots-\(UUID())")
        defer { try? FileManager.default.removeItem(at: snapshots) }
        try await TestDatabase.withMigratedSchema { schema in
            let fixture = SearcherFixture(
                topics: topics, broker: broker, schema: schema,
                pool: PostgresPool(configuration: try schema.configuration(), maximumConnections: 2, logger: logger),
                producer: try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger),
                codec: try MessageCodec(), snapshots: snapshots, logger: logger)
            try await closing(fixture.producer, fixture.pool) { try await body(fixture) }
        }
    }

    // MARK: The catalog

    static func articleID(_ index: Int) -> String { SHA256.hexDigest(Array("article \(index)".utf8)) }
    static func imageID(_ index: Int) -> String { SHA256.hexDigest(Array("image \(index)".utf8)) }
    static func productID(_ index: Int) -> String { "P\(index / 2)" }
    static func shard(_ index: Int) -> Int { ShardAssignment.shard(forArticleID: articleID(index), shardCount: shards) }

    /// Article `index`'s vector: one of 64 cluster centres plus noise (deterministic). From article 600 on the
    /// catalog drifts: new centres live mostly in the first 8 dimensions, where quantizers trained on the first
    /// 600 have too few codes (what a reindex is for).
    static func vector(_ index: Int) -> [Float] {
        var centres = SplitMix64(seed: UInt64(index % 64) &* 7919 &+ (index < 600 ? 0 : 17))
        var noise = SplitMix64(seed: UInt64(index) &+ 1_000_003)
        return (0..<dimension).map { component in
            let centre = Float(centres.nextUnit() * 2 - 1) * (index >= 600 && component >= 8 ? 0.05 : 1)
            return centre + 0.15 * Float(noise.nextUnit() * 2 - 1)
        }
    }

    /// Writes articles `indexes` as the catalog pipeline would have: product, image, article and vector rows.
    func insertArticles(_ indexes: Range<Int>) async throws {
        try await pool.withConnection { connection in
            try await connection.transaction { connection in
                for index in indexes {
                    let image = Self.imageID(index), article = Self.articleID(index), product = Self.productID(index)
                    _ = try await connection.execute(
                        "INSERT INTO products (product_id, title, url, category, super_category) VALUES ($1, $1, 'https://shop.example/' || $1, 'shirt', 'upper') ON CONFLICT DO NOTHING",
                        [product])
                    _ = try await connection.execute(
                        "INSERT INTO images (image_id, blob_key, source, byte_size, state) VALUES ($1, $1, 'catalog', 1, 'embedded')", [image])
                    _ = try await connection.execute("INSERT INTO product_images (product_id, image_id) VALUES ($1, $2)", [product, image])
                    _ = try await connection.execute(
                        """
                        INSERT INTO articles (article_id, image_id, ordinal, super_category, category, x0, y0, x1, y1, score, crop_blob_key)
                        VALUES ($1, $2, 0, 'upper', 'shirt', 0, 0, 10, 10, 1, $2)
                        """, [article, image])
                    _ = try await connection.execute(
                        "INSERT INTO vectors (article_id, model_version, super_category, dim, shard, vector) VALUES ($1, $2, 'upper', $3, $4, $5)",
                        [article, Self.modelVersion, Self.dimension, Self.shard(index), Float32Vector(values: Self.vector(index))])
                }
            }
        }
    }

    /// Produces the `embedded` messages of articles `indexes`, each on its shard's partition.
    func announce(_ indexes: Range<Int>) async throws {
        let records = try indexes.map { index in
            let message = EmbeddedMessage(
                articleID: Self.articleID(index), imageID: Self.imageID(index), productID: Self.productID(index), superCategory: .upper,
                category: "shirt", modelVersion: Self.modelVersion, dim: Self.dimension, shard: Self.shard(index))
            return KafkaRecord(
                topic: topics.embedded, partition: Int32(message.shard), key: Array(message.articleID.utf8), value: try codec.encode(message))
        }
        _ = try await producer.send(records)
    }

    /// The live article ids PostgreSQL has per shard (what a recovered shard must hold exactly).
    func liveArticles() async throws -> [Int: Set<String>] {
        try await pool.withConnection { connection in
            var live: [Int: Set<String>] = [:]
            for row in try await connection.query(
                """
                SELECT v.shard, v.article_id FROM vectors v JOIN articles a USING (article_id)
                JOIN product_images pi ON pi.image_id = a.image_id JOIN products p ON p.product_id = pi.product_id
                WHERE p.removed_at IS NULL
                """)
            {
                live[try row.decode(Int.self, at: 0), default: []].insert(try row.decode(String.self, at: 1))
            }
            return live
        }
    }

    // MARK: Processes

    func searcherArguments(trainingThreshold: Int = 100) -> [String] {
        [
            "--kafka-brokers", broker.bootstrapServers, "--kafka-property", "session.timeout.ms=6000",
            "--kafka-property", "auto.commit.interval.ms=200", "--database-url", schema.url, "--topic-prefix", topics.prefix,
            "--port", "0", "--snapshots", snapshots.path, "--snapshot-interval", "1", "--training-threshold", String(trainingThreshold),
            "--search-threads", "2",
        ]
    }

    /// Starts a searcher and waits until its endpoint listens; returns it with its address.
    func startSearcher(trainingThreshold: Int = 100, extraArguments: [String] = []) async throws -> (TestProcess, String) {
        let process = try TestProcess(
            "shoplook-searcher", arguments: searcherArguments(trainingThreshold: trainingThreshold) + extraArguments,
            environment: [KafkaConfiguration.consumerPropertiesVariable: TestBroker.consumerProperties.map { "\($0.key)=\($0.value)" }.joined(separator: ",")])
        let line = try await withTimeout(.seconds(60), "shoplook-searcher listens") {
            try await process.line(containing: "search endpoint listening on ")
        }
        guard let address = line.components(separatedBy: "search endpoint listening on ").last?.split(separator: " ").first else {
            throw TestSupportError("no address in “\(line)”")
        }
        return (process, String(address))
    }

    /// `searcher_shards`: shard → (owner, generation).
    func directory() async throws -> [Int: (owner: String, generation: Int64)] {
        try await pool.withConnection { connection in
            var rows: [Int: (owner: String, generation: Int64)] = [:]
            for row in try await connection.query("SELECT shard, owner, generation FROM searcher_shards") {
                rows[try row.decode(Int.self, at: 0)] = (try row.decode(String.self, at: 1), try row.decode(Int64.self, at: 2))
            }
            return rows
        }
    }

    /// Waits until `searcher_shards` satisfies `done` (the searchers publish there; nothing else shows it).
    @discardableResult
    func waitForDirectory(
        _ what: String, timeout: Duration = .seconds(90), until done: @escaping @Sendable ([Int: (owner: String, generation: Int64)]) -> Bool
    ) async throws -> [Int: (owner: String, generation: Int64)] {
        try await withTimeout(timeout, what) {
            while true {
                let rows = try await directory()
                if done(rows) { return rows }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Waits until the searcher at `address` reports `shards` shards loading on `/healthz` (a 503 then).
    func waitUntilLoading(_ address: String, shards: Int) async throws {
        try await withTimeout(.seconds(60), "\(address) loads \(shards) shards") {
            while true {
                let (data, _) = try await URLSession.shared.data(from: URL(string: "http://\(address)/healthz")!)
                if let health = try? JSONDecoder().decode(HealthView.self, from: data), health.loading?.count == shards { return }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    // MARK: Searching

    /// One search through the searchers as a client does it: read the directory, ask each owner for its
    /// shards, keep answers whose generation is the directory's. Returns the merged hits and the shards answered
    /// (a shard answered twice would be a failure the caller checks).
    func search(_ vector: [Float], k: Int = 10) async throws -> (hits: [WireHit], answered: [Int]) {
        let directory = try await directory()
        var hits: [WireHit] = []
        var answered: [Int] = []
        for (owner, shards) in Dictionary(grouping: directory, by: \.value.owner) {
            let request = SearchRequest(
                shards: shards.map { ShardGeneration(shard: $0.key, generation: $0.value.generation) },
                queries: [SearchQuery(superCategory: .upper, modelVersion: Self.modelVersion, vector: vector)], k: k)
            let response: SearchResponse = try await post("http://\(owner)/v1/search", request)
            for answer in response.answers where directory[answer.shard]?.generation == answer.generation {
                answered.append(answer.shard)
                hits += answer.hits[0]
            }
        }
        return (Array(hits.sorted { $0.score > $1.score }.prefix(k)), answered.sorted())
    }

    func post<Request: Encodable, Response: Decodable>(_ url: String, _ body: Request) async throws -> Response {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = try JSONEncoder().encode(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.timeoutInterval = 60
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw TestSupportError("POST \(url): \(response) \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
        return try JSONDecoder().decode(Response.self, from: data)
    }

    /// The value of the Prometheus sample `name` (no labels) on the searcher at `address`, nil while it has none.
    static func metric(_ name: String, at address: String) async throws -> Double? {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://\(address)/metrics")!)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw TestSupportError("GET /metrics: \(response)") }
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("\(name) ") || $0.hasPrefix("\(name){") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }

    func get<Response: Decodable>(_ url: String) async throws -> Response {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw TestSupportError("GET \(url): \(response) \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
        return try JSONDecoder().decode(Response.self, from: data)
    }

    /// Runs `shoplook search --json` for article `index`'s vector; returns how it ended and what it printed.
    func searchCommand(vectorOf index: Int, deadlineMs: Int = 20_000) async throws -> (exit: TestProcess.Exit, output: String) {
        let file = snapshots.deletingLastPathComponent().appendingPathComponent("query-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let line = ["vector": Self.vector(index).map(Double.init), "super_category": "upper", "model": Self.modelVersion] as [String: Any]
        try JSONSerialization.data(withJSONObject: line).write(to: file)
        let process = try TestProcess(
            "shoplook", arguments: ["search", "--vector-file", file.path, "--database-url", schema.url, "--shards", String(Self.shards),
                                    "--deadline-ms", String(deadlineMs), "--json"])
        let exit = await process.exit()
        return (exit, await process.output())
    }

    /// Runs `shoplook remove` against this fixture.
    func removeProducts(_ ids: [String]) async throws -> String {
        let process = try TestProcess(
            "shoplook", arguments: ["remove", "--kafka-brokers", broker.bootstrapServers, "--database-url", schema.url,
                                    "--topic-prefix", topics.prefix] + ids)
        let exit = await process.exit()
        let output = await process.output()
        guard exit == .exited(0) else { throw TestSupportError("shoplook remove: \(exit)\n\(output)") }
        return output
    }
}
