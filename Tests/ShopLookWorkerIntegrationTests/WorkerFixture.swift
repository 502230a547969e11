import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ShopLookBlobStore
import ShopLookCore
import ShopLookKafka
import ShopLookPostgres
import ShopLookRuntimes
import ShopLookTestSupport

/// What a worker executable under test runs against: its own broker, a migrated schema, a blob store, and the
/// flags that point the executable at them.
struct WorkerFixture: Sendable {
    let stage: PipelineStage
    let topics: ShopLookTopics
    let broker: TestBroker
    let schema: TestSchema
    let pool: PostgresPool
    let store: FileBlobStore
    let blobs: URL
    let producer: KafkaProducer
    let codec: MessageCodec
    let models: ModelFiles
    let logger: Logger

    /// Runs `body` with a fresh broker (the input, output and dead-letter topics of `stage` and of each of
    /// `alsoStages`, so that their workers can run together as a fleet), schema and blob store.
    static func with(
        stage: PipelineStage, alsoStages: [PipelineStage] = [], inputPartitions: Int = 2, outputPartitions: Int = 2,
        _ body: (WorkerFixture) async throws -> Void
    ) async throws {
        var logger = Logger(label: "worker-test")
        logger.logLevel = .error
        let topics = ShopLookTopics(prefix: "\(stage.rawValue)-worker.")
        var topicPartitions: [String: Int] = [:]
        for each in [stage] + alsoStages {
            topicPartitions[topics.input(for: each)] = topicPartitions[topics.input(for: each)] ?? inputPartitions
            // The embed worker produces to one partition of `embedded` per search shard.
            topicPartitions[topics.output(for: each)] = each == .embed && each != stage ? ShopLookTopics.searchShardCount : outputPartitions
            topicPartitions[topics.deadLetter(for: each)] = 1
        }
        let broker = try await TestBroker(topics: topicPartitions)
        defer { broker.stop() }
        let blobs = FileManager.default.temporaryDirectory.appendingPathComponent("\(stage.rawValue)-worker-blobs-\(UUID())")
        defer { try? FileManager.default.removeItem(at: blobs) }
        try await TestDatabase.withMigratedSchema { schema in
            let fixture = WorkerFixture(
                stage: stage, topics: topics, broker: broker, schema: schema,
                pool: PostgresPool(configuration: try schema.configuration(), maximumConnections: 2, logger: logger),
                store: try FileBlobStore(root: blobs), blobs: blobs,
                producer: try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: broker.kafkaConfiguration()), logger: logger),
                codec: try MessageCodec(), models: TestModelFiles.files, logger: logger)
            try await closing(fixture.producer, fixture.pool) { try await body(fixture) }
        }
    }

    var executable: String { Self.executable(of: stage) }

    static func executable(of stage: PipelineStage) -> String { "shoplook-\(stage.rawValue)-worker" }

    /// The worker's flags: this fixture's broker (short sessions for quick rebalances on the mock, frequent
    /// commits), schema, blob store, topics and models; `/metrics` on a free port; lag refreshed twice a second.
    func arguments(maxBatchSize: Int) -> [String] {
        [
            "--kafka-brokers", broker.bootstrapServers,
            "--kafka-property", "session.timeout.ms=6000", "--kafka-property", "auto.commit.interval.ms=200",
            "--database-url", schema.url, "--blob-root", blobs.path, "--topic-prefix", topics.prefix,
            "--models", models.directory.path, "--metrics-port", "0", "--lag-interval", "0.5",
            "--max-batch-size", String(maxBatchSize),
        ]
    }

    /// Starts the stage's executable and waits until it serves `/metrics`; returns it with the endpoint's URL.
    func startWorker(stage: PipelineStage? = nil, maxBatchSize: Int = 2, extraArguments: [String] = []) async throws -> (TestProcess, URL) {
        let executable = Self.executable(of: stage ?? self.stage)
        let worker = try TestProcess(
            executable, arguments: arguments(maxBatchSize: maxBatchSize) + extraArguments,
            environment: [KafkaConfiguration.consumerPropertiesVariable: TestBroker.consumerProperties.map { "\($0.key)=\($0.value)" }.joined(separator: ",")])
        let line = try await withTimeout(.seconds(60), "\(executable) serves /metrics") {
            try await worker.line(containing: "metrics listening on ")
        }
        guard let address = line.components(separatedBy: "metrics listening on ").last?.split(separator: " ").first,
              let url = URL(string: "http://\(address)/metrics")
        else { throw TestSupportError("no address in “\(line)”") }
        return (worker, url)
    }

    /// The first column of the first row of `sql`, as an integer.
    func count(_ sql: String) async throws -> Int {
        try await pool.withConnection { connection in try await connection.query(sql)[0].decode(Int.self, at: 0) }
    }

    /// Polls PostgreSQL until `sql` counts at least `target` (the worker's progress is only visible there).
    @discardableResult
    func waitForCount(_ sql: String, atLeast target: Int, _ what: String) async throws -> Int {
        try await withTimeout(.seconds(120), what) {
            while true {
                let current = try await count(sql)
                if current >= target { return current }
                try await Task.sleep(for: .milliseconds(25))
            }
        }
    }

    /// The group's committed offset per partition of the stage's input topic (0 where none is committed).
    func committedOffsets() async throws -> [Int32: Int64] {
        let inspector = try KafkaGroupInspector(
            configuration: broker.kafkaConfiguration(clientID: "offsets"), groupID: topics.consumerGroup(for: stage), logger: logger)
        let lags = try await inspector.lag(topic: topics.input(for: stage))
        return Dictionary(uniqueKeysWithValues: lags.map { ($0.partition.partition, $0.committed ?? 0) })
    }

    /// Reads `topic` from the start until `done` holds for the keys read so far; returns how often each key came.
    func readKeys(of topic: String, until done: @escaping @Sendable ([String: Int]) -> Bool) async throws -> [String: Int] {
        let reader = try KafkaConsumer(
            configuration: broker.consumerConfiguration(group: "reader-\(UUID())"), topics: [topic], logger: logger)
        let keys = try await withTimeout(.seconds(60), "outputs on \(topic)") {
            var keys: [String: Int] = [:]
            while !done(keys), let message = try await reader.next() {
                keys[String(decoding: message.key ?? [], as: UTF8.self), default: 0] += 1
            }
            return keys
        }
        try await reader.close()
        return keys
    }
}

/// A `/metrics` scrape: value by series (`name{labels}`).
struct MetricsScrape {
    let values: [String: Double]

    init(_ url: URL) async throws {
        let (data, response) = try await URLSession.shared.data(from: url)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw TestSupportError("GET \(url): \(response)") }
        var values: [String: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        self.values = values
    }

    subscript(_ series: String) -> Double? { values[series] }

    /// Scrapes until `condition` holds (gauges refresh periodically).
    static func waitFor(_ url: URL, _ what: String, _ condition: @escaping @Sendable (MetricsScrape) -> Bool) async throws -> MetricsScrape {
        try await withTimeout(.seconds(30), what) {
            while true {
                let scrape = try await MetricsScrape(url)
                if condition(scrape) { return scrape }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
