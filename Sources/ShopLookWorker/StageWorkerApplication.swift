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

/// What a stage's processor is built from: the connections and settings the worker already holds.
public struct StageWorkerResources: Sendable {
    public let pool: PostgresPool
    public let store: FileBlobStore
    public let codec: MessageCodec
    public let topics: ShopLookTopics
}

/// One stage executable: a ``StageWorker`` for `stage`, its consumer-lag gauges and the `/metrics` endpoint,
/// run as one `ServiceGroup`. SIGTERM or SIGINT shuts it down gracefully: the worker stops fetching,
/// finishes and commits the batch in hand and leaves the group, then the other services stop, the
/// producer is flushed and the process exits 0.
///
/// A stage's `main` only says how to build its processor:
/// ```swift
/// try await StageWorkerApplication(stage: .pose, options: worker) { resources in
///     PoseStageProcessor(pose: try PoseService(files: try model.modelFiles()), store: resources.store, …)
/// }.run()
/// ```
public struct StageWorkerApplication<Processor: StageProcessor> {
    public let stage: PipelineStage
    public let options: StageWorkerOptions
    private let makeProcessor: (StageWorkerResources) async throws -> Processor

    public init(
        stage: PipelineStage, options: StageWorkerOptions, makeProcessor: @escaping (StageWorkerResources) async throws -> Processor
    ) {
        self.stage = stage
        self.options = options
        self.makeProcessor = makeProcessor
    }

    /// Bootstraps logging and metrics (once per process), connects, and runs until shut down.
    public func run() async throws {
        var logger = CommandLogging.bootstrap(label: "shoplook.\(stage.rawValue)-worker")
        logger[metadataKey: "stage"] = "\(stage.rawValue)"
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let topics = options.kafka.topics
        let clientID = "shoplook-\(stage.rawValue)-worker"
        let kafka = try options.kafka.configuration(clientID: clientID)
        let consumer = KafkaConsumerConfiguration(kafka: kafka, groupID: options.group ?? topics.consumerGroup(for: stage))
        var configuration = StageWorkerConfiguration(stage: stage, topics: topics, consumer: consumer)
        configuration.maxBatchSize = options.maxBatchSize

        let pool = PostgresPool(configuration: try options.database.configuration(), logger: logger)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: logger)
        let codec = try MessageCodec()
        let processor = try await makeProcessor(StageWorkerResources(
            pool: pool, store: try options.blobs.store(), codec: codec, topics: topics))
        let lagMonitor = ConsumerLagMonitor(
            stage: stage, topic: configuration.inputTopic,
            inspector: try KafkaGroupInspector(configuration: kafka, groupID: consumer.groupID, logger: logger),
            interval: .milliseconds(Int64(options.lagInterval * 1000)), logger: logger)
        let worker = StageWorker(
            configuration: configuration, processor: processor, producer: producer, pool: pool, codec: codec, logger: logger,
            onConsumerCreated: { lagMonitor.observe($0) })
        let metrics = MetricsEndpoint.service(
            registry: registry, host: options.metricsHost, port: options.metricsPort(for: stage), logger: logger)

        // Graceful shutdown goes through the services in reverse order: the worker drains first, while
        // /metrics still answers.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [
                .init(service: metrics),
                .init(service: lagMonitor),
                .init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            try? await producer.close()
            await pool.close()
            throw error
        }
        try await producer.close()
        await pool.close()
    }
}
