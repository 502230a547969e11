import ShopLookBLAS
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import ShopLookBlobStore
import ShopLookCommandSupport
import ShopLookCore
import ShopLookKafka
import ShopLookPipeline
import ShopLookPostgres
import ShopLookServices
import ShopLookStreaming

/// What a stage's processor is built from: the connections and settings the worker already holds.
public struct StageWorkerResources: Sendable {
    public let pool: PostgresPool
    public let store: FileBlobStore
    public let codec: MessageCodec
    public let topics: ShopLookTopics
    public let logger: Logger
}

/// One worker executable: a ``StageWorker`` for its role (a catalog stage, the query worker), its consumer-lag gauges and the `/metrics` endpoint,
/// run as one `ServiceGroup`. The processor is built `--concurrency` times (each instance with its own model
/// sessions) and the instances share each batch (``ConcurrentStageProcessor``).
///
/// SIGTERM or SIGINT shuts it down gracefully: the worker stops fetching, finishes and commits the batch in
/// hand and leaves the group, then the other services stop, the producer is flushed and the process exits 0.
///
/// A stage's `main` only says how to build one processor:
/// ```swift
/// try await StageWorkerApplication(stage: .pose, options: worker) { resources in
///     PoseStageProcessor(pose: try PoseService(files: try model.modelFiles()), store: resources.store, …)
/// }.run()
/// ```
public struct StageWorkerApplication<Member: StageProcessor> {
    typealias Processor = ConcurrentStageProcessor<Member>
    public let role: WorkerRole
    public let options: StageWorkerOptions
    private let makeProcessor: (StageWorkerResources) async throws -> Member
    private let makeServices: (StageWorkerResources) -> [any Service]

    /// - Parameter makeServices: services that run beside the worker (started before it, stopped after it drained).
    public init(
        role: WorkerRole, options: StageWorkerOptions, makeServices: @escaping (StageWorkerResources) -> [any Service] = { _ in [] },
        makeProcessor: @escaping (StageWorkerResources) async throws -> Member
    ) {
        self.role = role
        self.options = options
        self.makeProcessor = makeProcessor
        self.makeServices = makeServices
    }

    /// A catalog stage's executable.
    public init(
        stage: PipelineStage, options: StageWorkerOptions, makeProcessor: @escaping (StageWorkerResources) async throws -> Member
    ) {
        self.init(role: .stage(stage), options: options, makeProcessor: makeProcessor)
    }

    /// Bootstraps logging and metrics (once per process), connects, and runs until shut down.
    public func run() async throws {
        var logger = CommandLogging.bootstrap(label: "shoplook.\(role.name)-worker")
        logger[metadataKey: "stage"] = "\(role.name)"
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let topics = options.kafka.topics
        let clientID = "shoplook-\(role.name)-worker"
        let kafka = try options.kafka.configuration(clientID: clientID)
        var configuration = role.configuration(topics: topics, kafka: kafka, group: options.group)
        let consumer = configuration.consumer
        configuration.maxBatchSize = options.maxBatchSize

        let concurrency = options.effectiveConcurrency
        // The processors are the parallelism: each multiplies its small batches (the embedding projection) on its
        // own thread. OpenBLAS's own pool would spin in sched_yield between them, taking CPU from the models.
        BLAS.threadCount = 1
        // One connection per processor instance, plus one for dead letters.
        let pool = PostgresPool(
            configuration: try options.database.configuration(), maximumConnections: max(4, concurrency + 1), logger: logger)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: logger)
        let codec = try MessageCodec()
        let resources = StageWorkerResources(pool: pool, store: try options.blobs.store(), codec: codec, topics: topics, logger: logger)
        var members: [Member] = []
        for _ in 0..<concurrency { members.append(try await makeProcessor(resources)) }
        let processor = ConcurrentStageProcessor(members)
        logger.info("\(role.name) worker: \(concurrency) processor instance(s)")
        let lagMonitor = ConsumerLagMonitor(
            dimensions: [("stage", role.name)], topic: configuration.inputTopic,
            inspector: try KafkaGroupInspector(configuration: kafka, groupID: consumer.groupID, logger: logger),
            interval: .milliseconds(Int64(options.lagInterval * 1000)), logger: logger)
        let worker = StageWorker(
            configuration: configuration, processor: processor, producer: producer, pool: pool, codec: codec, logger: logger,
            onConsumerCreated: { lagMonitor.observe($0) })
        let metrics = MetricsEndpoint.service(
            registry: registry, host: options.metricsHost, port: options.metricsPort(for: role), logger: logger)

        if options.idlePriority {
            // Once the models are loaded (start-up is not slowed behind other work), before any input is taken; the
            // threads started from now on inherit it.
            let threads = try IdleCPUPriority.apply()
            logger.info("\(role.name) worker: SCHED_IDLE CPU policy on its \(threads) thread(s)")
        }
        // Graceful shutdown goes through the services in reverse order: the worker drains first, while
        // /metrics still answers.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [
                .init(service: metrics),
                .init(service: lagMonitor),
            ] + makeServices(resources).map { .init(service: $0) } + [
                .init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await closing(producer, pool) { try await group.run() }
    }
}
