import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import ShopLookBLAS
import ShopLookCommandSupport
import ShopLookCore
import ShopLookKafka
import ShopLookPostgres
import ShopLookSearch
import ShopLookSearcher

/// A searcher process: owns the shards of `embedded` the searchers' group gives it and answers searches on them.
@main
struct SearcherCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoplook-searcher",
        abstract: "Own search shards (partitions of embedded), keep their IVF-PQ indexes current and answer searches.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var kafka: KafkaOptions

    @Option(help: "Consumer group of the searchers (default: shoplook-searcher with the topic prefix).")
    var group: String?

    @Option(help: "Address the search endpoint listens on.")
    var host = "127.0.0.1"

    @Option(help: "Port of the search endpoint (0 picks a free port, logged at start).")
    var port = 9501

    @Option(help: "host:port callers reach this searcher at (default: --host and the bound port).")
    var advertise: String?

    @Option(help: "Folder of the shard snapshots, shared by the searchers that may take over each other's shards (default: .local/searcher under SHOPLOOK_HOME or the current folder).")
    var snapshots: String?

    @Option(help: "Seconds between snapshots of a shard that changed.")
    var snapshotInterval = 30.0

    @Option(help: "Vectors a shard's category holds before it trains its IVF-PQ index (exact search until then).")
    var trainingThreshold = 20_000

    @Option(help: "IVF lists probed per query.")
    var nprobe = 16

    @Option(help: "Candidates re-ranked exactly per hit wanted.")
    var rerank = 4

    @Option(help: "Threads that run searches.")
    var searchThreads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Seconds each shard's load waits before it begins (for tests and drills: stands in for a slow rebuild; 0 in production).")
    var shardLoadDelay = 0.0

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535") }
        guard snapshotInterval > 0 else { throw ValidationError("--snapshot-interval must be positive") }
        guard trainingThreshold >= 64 else { throw ValidationError("--training-threshold must be at least 64 (4-bit codes train 16 centroids per sub-quantizer)") }
        guard nprobe > 0, rerank > 0 else { throw ValidationError("--nprobe and --rerank must be positive") }
        guard shardLoadDelay >= 0 else { throw ValidationError("--shard-load-delay must not be negative") }
        guard (1...64).contains(searchThreads) else { throw ValidationError("--search-threads must be 1-64") }
        if let advertise, advertise.split(separator: ":").count != 2 { throw ValidationError("--advertise must be host:port") }
    }

    func run() async throws {
        var logger = CommandLogging.bootstrap(label: "shoplook.searcher")
        let member = "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(UUID().uuidString.prefix(8).lowercased())"
        logger[metadataKey: "member"] = "\(member)"
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        // The search pool is the parallelism: OpenBLAS's own threads (one per core by default) spin in sched_yield
        // beside it, and two searchers rebuilding at once share the cores anyway. Two searchers at 1M vectors on 2
        // cores, two alternating rounds: with OpenBLAS's threads 633 and 534 searches/s, every shard rebuilt and
        // published 169 and 144 s after start; with one thread 712 and 654 /s, 141 and 133 s.
        BLAS.threadCount = 1

        let topics = kafka.topics
        let kafkaConfiguration = try kafka.configuration(clientID: "shoplook-searcher")
        var consumer = KafkaConsumerConfiguration(kafka: kafkaConfiguration, groupID: group ?? topics.prefix + "shoplook-searcher")
        // Shards load in the background while the consumer keeps polling (their partitions paused), so loads no
        // longer need a long poll interval; it is kept as it was (a batch's PostgreSQL reads on a loaded machine).
        consumer.maxPollInterval = .seconds(1800)
        var configuration = SearcherConfiguration(topic: topics.embedded, consumer: consumer, snapshotRoot: snapshots ?? defaultSnapshotRoot())
        configuration.snapshotInterval = .milliseconds(Int64(snapshotInterval * 1000))
        configuration.policy.trainingThreshold = trainingThreshold
        configuration.policy.nprobe = nprobe
        configuration.policy.rerankFactor = rerank
        configuration.searchThreads = searchThreads
        configuration.shardLoadDelay = .milliseconds(Int64(shardLoadDelay * 1000))

        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: 4, logger: logger)
        let address = PendingValue<String>()
        if let advertise { address.set(advertise) }
        let searcher = Searcher(
            configuration: configuration, pool: pool, ownership: ShardOwnershipTable(pool: pool, owner: address, member: member),
            inspector: try KafkaGroupInspector(configuration: kafkaConfiguration, groupID: consumer.groupID, logger: logger),
            codec: try MessageCodec(), logger: logger)
        let host = self.host, port = self.port, serverLogger = logger
        let app = Application(
            router: SearcherRoutes.router(for: searcher, registry: registry),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "shoplook-searcher"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                address.set("\(host):\(bound)")
                serverLogger.info("search endpoint listening on \(host):\(bound)")
            },
            logger: logger)
        // Shutdown runs in reverse: the searcher gives its shards up first, while the endpoint still answers.
        let services = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: app), .init(service: searcher, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await services.run()
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    private func defaultSnapshotRoot() -> String {
        let home = Settings.environment["SHOPLOOK_HOME"] ?? FileManager.default.currentDirectoryPath
        return (home as NSString).appendingPathComponent(".local/searcher")
    }
}
