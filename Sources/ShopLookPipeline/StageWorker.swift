import Logging
import Metrics
import ServiceLifecycle
import ShopLookCore
import ShopLookKafka
import ShopLookPostgres
import Synchronization

/// A consumer-group member running one pipeline stage: poll a batch, decode and validate it, process it,
/// produce the outputs, dead-letter poison, and only then commit.
///
/// Guarantees:
/// - at-least-once: inputs are marked processed only after their outputs (next-stage records, dead
///   letters, the processor's own rows) are durable;
/// - transient failures are retried with back-off and never dead-lettered; while retrying, the
///   partitions are paused and the consumer keeps polling, so the group does not evict it;
/// - one batch in flight per process (bounded work);
/// - graceful shutdown (SIGTERM through swift-service-lifecycle): stop fetching, finish the batch in hand,
///   commit, leave the group.
public final class StageWorker<Processor: StageProcessor>: Service, Sendable {
    public let configuration: StageWorkerConfiguration
    let processor: Processor
    let producer: KafkaProducer
    let deadLetters: DeadLetterWriter
    let codec: MessageCodec
    let logger: Logger
    let metrics: StageMetrics
    private let stopping = Atomic<Bool>(false)
    private let consumerCreated: @Sendable (KafkaConsumer) -> Void

    public init(
        configuration: StageWorkerConfiguration, processor: Processor, producer: KafkaProducer, pool: PostgresPool,
        codec: MessageCodec, logger: Logger, onConsumerCreated: @escaping @Sendable (KafkaConsumer) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.processor = processor
        self.producer = producer
        self.codec = codec
        self.logger = logger
        self.deadLetters = DeadLetterWriter(
            stage: configuration.stage, topic: configuration.deadLetterTopic, producer: producer, pool: pool, codec: codec)
        self.metrics = StageMetrics(stage: configuration.stage)
        self.consumerCreated = onConsumerCreated
    }

    /// Asks the worker to finish its batch and return (what a SIGTERM does through the service group).
    public func stop() {
        stopping.store(true, ordering: .relaxed)
    }

    public func run() async throws {
        try await producer.prepare(topics: [configuration.outputTopic, configuration.deadLetterTopic])
        let consumer = try KafkaConsumer(
            configuration: configuration.consumer, topics: [configuration.inputTopic], logger: logger)
        consumerCreated(consumer)
        logger.info("\(configuration.stage.rawValue) worker consuming \(configuration.inputTopic) as group \(configuration.consumer.groupID)")
        do {
            try await withGracefulShutdownHandler {
                try await self.consumeLoop(consumer)
            } onGracefulShutdown: {
                self.stop()
            }
        } catch {
            try? await consumer.close()
            throw error
        }
        try await consumer.close()
        logger.info("\(configuration.stage.rawValue) worker stopped")
    }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    private func consumeLoop(_ consumer: KafkaConsumer) async throws {
        var carried: [KafkaMessage] = []
        while !isStopping {
            var batch = carried
            carried = []
            if batch.isEmpty {
                guard let first = try await consumer.poll(timeout: .milliseconds(200)) else {
                    if consumer.isClosing { return }
                    continue
                }
                batch.append(first)
            }
            let deadline = ContinuousClock.now + configuration.batchLinger
            while batch.count < configuration.maxBatchSize, !isStopping {
                let remaining = deadline - .now
                guard remaining > .zero, let next = try await consumer.poll(timeout: remaining) else { break }
                batch.append(next)
            }
            let handled = try await handle(batch, consumer: consumer, carried: &carried)
            if !handled { return }
        }
    }

    /// Processes one batch. Returns `false` when shutdown interrupted a retry (the batch stays uncommitted
    /// and will be consumed again).
    private func handle(_ batch: [KafkaMessage], consumer: KafkaConsumer, carried: inout [KafkaMessage]) async throws -> Bool {
        let started = ContinuousClock.now
        var inputs: [(KafkaMessage, StageInput<Processor.Input>)] = []
        for message in batch {
            do {
                let decoded = try codec.decode(Processor.Input.self, from: message.value)
                inputs.append((message, StageInput(
                    message: decoded, topic: message.topic, partition: message.partition, offset: message.offset, key: message.key)))
            } catch {
                let reason = DeadLetterReason(error)
                guard try await retrying("dead-letter an invalid message", consumer: consumer, carried: &carried, {
                    // A message that names its image ends that image's journey too (it would never move on).
                    try await self.deadLetters.write(
                        message, reason: reason, error: "\(error)", imageID: ImageStates.imageID(inUndecodable: message.value))
                }) != nil else { return false }
                metrics.deadLettered.increment()
                logger.warning("dead-lettered \(message.topic)[\(message.partition)]@\(message.offset): \(error)")
            }
        }
        if !inputs.isEmpty {
            guard let outcomes = try await process(inputs.map(\.1), consumer: consumer, carried: &carried) else { return false }
            var records: [KafkaRecord] = []
            for ((message, _), outcome) in zip(inputs, outcomes) {
                switch outcome {
                case .forward(let produced):
                    records += produced
                    metrics.forwarded.increment()
                case .finished:
                    metrics.finished.increment()
                case .deadLetter(let reason, let text):
                    guard try await retrying("dead-letter poison input", consumer: consumer, carried: &carried, {
                        try await self.deadLetters.write(message, reason: reason, error: text)
                    }) != nil else { return false }
                    metrics.deadLettered.increment()
                    logger.warning("dead-lettered \(message.topic)[\(message.partition)]@\(message.offset) (\(reason.rawValue)): \(text)")
                }
            }
            if !records.isEmpty {
                let outputs = records
                guard try await retrying("produce outputs", consumer: consumer, carried: &carried, {
                    try await self.producer.send(outputs)
                }) != nil else { return false }
            }
        }
        for message in batch { consumer.markProcessed(message) }
        let elapsed = (ContinuousClock.now - started).nanoseconds
        metrics.processed.increment(by: batch.count)
        metrics.batchLatency.recordNanoseconds(elapsed)
        for _ in batch { metrics.messageLatency.recordNanoseconds(elapsed) }
        return true
    }

    /// Runs the processor; a permanent failure of a batch is narrowed down by processing its inputs one by
    /// one, so only the input that fails is dead-lettered.
    private func process(
        _ inputs: [StageInput<Processor.Input>], consumer: KafkaConsumer, carried: inout [KafkaMessage]
    ) async throws -> [StageOutcome]? {
        let result: Result<[StageOutcome], any Error>?
        result = try await retrying("process a batch", consumer: consumer, carried: &carried, permanentFailuresReturn: true) {
            try await self.processor.process(inputs)
        }
        switch result {
        case nil:
            return nil
        case .success(let outcomes)?:
            precondition(outcomes.count == inputs.count, "a StageProcessor must return one outcome per input")
            return outcomes
        case .failure(let error)?:
            if inputs.count == 1 {
                metrics.failed.increment()
                return [.deadLetter(.processingFailed, "\(error)")]
            }
            var outcomes: [StageOutcome] = []
            for input in inputs {
                guard let single = try await process([input], consumer: consumer, carried: &carried) else { return nil }
                outcomes += single
            }
            return outcomes
        }
    }

    /// Runs `body` until it succeeds or fails permanently, retrying transient failures with back-off while
    /// the consumer's partitions are paused (polling goes on, so rebalances are served and records that
    /// still arrive are carried over to the next batch). Returns `nil` if shutdown began during a retry.
    private func retrying<T: Sendable>(
        _ what: String, consumer: KafkaConsumer, carried: inout [KafkaMessage], _ body: @Sendable () async throws -> T
    ) async throws -> T? {
        switch try await retrying(what, consumer: consumer, carried: &carried, permanentFailuresReturn: false, body) {
        case .success(let value)?: return value
        case .failure(let error)?: throw error
        case nil: return nil
        }
    }

    private func retrying<T: Sendable>(
        _ what: String, consumer: KafkaConsumer, carried: inout [KafkaMessage], permanentFailuresReturn: Bool,
        _ body: @Sendable () async throws -> T
    ) async throws -> Result<T, any Error>? {
        var delay = configuration.initialRetryDelay
        var paused: Set<KafkaTopicPartition> = []
        defer { if !paused.isEmpty { try? consumer.resume(Array(paused)) } }
        while true {
            do {
                return .success(try await body())
            } catch {
                guard FailureClassification(error) == .transient else {
                    if permanentFailuresReturn { return .failure(error) }
                    throw error
                }
                metrics.retries.increment()
                logger.warning("transient failure, retrying in \(delay) (\(what)): \(error)")
            }
            let toPause = consumer.assignment.subtracting(paused)
            if !toPause.isEmpty {
                try? consumer.pause(Array(toPause))
                paused.formUnion(toPause)
            }
            let wakeUp = ContinuousClock.now + delay
            while ContinuousClock.now < wakeUp {
                if isStopping { return nil }
                if let early = try await consumer.poll(timeout: min(wakeUp - .now, .milliseconds(100))) {
                    carried.append(early)
                }
            }
            delay = min(delay * 2, configuration.maximumRetryDelay)
        }
    }
}

/// The stage's counters and latency histogram (swift-metrics; exported by whatever backend the process
/// bootstraps, Prometheus in the workers).
struct StageMetrics: Sendable {
    let processed: Counter
    let forwarded: Counter
    let finished: Counter
    let deadLettered: Counter
    let failed: Counter
    let retries: Counter
    let batchLatency: Timer
    /// Per message: from the start of its batch's handling until it is marked processed (decode, process,
    /// produce, dead-letter), so the histogram's count is the messages handled.
    let messageLatency: Timer

    init(stage: PipelineStage) {
        let dimensions = [("stage", stage.rawValue)]
        processed = Counter(label: "shoplook_stage_messages_processed_total", dimensions: dimensions)
        forwarded = Counter(label: "shoplook_stage_messages_forwarded_total", dimensions: dimensions)
        finished = Counter(label: "shoplook_stage_messages_finished_total", dimensions: dimensions)
        deadLettered = Counter(label: "shoplook_stage_messages_dead_lettered_total", dimensions: dimensions)
        failed = Counter(label: "shoplook_stage_messages_failed_total", dimensions: dimensions)
        retries = Counter(label: "shoplook_stage_retries_total", dimensions: dimensions)
        batchLatency = Timer(label: "shoplook_stage_batch_duration_seconds", dimensions: dimensions)
        messageLatency = Timer(label: "shoplook_stage_message_duration_seconds", dimensions: dimensions)
    }
}
