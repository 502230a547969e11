import Logging
import ServiceLifecycle
import ShopLookCore
import ShopLookKafka
import ShopLookPostgres
import Synchronization

/// A consumer-group member running one stage: poll a batch, read and validate it, process it, produce the
/// outputs, dead-letter poison, and only then commit.
///
/// Guarantees:
/// - at-least-once: inputs are marked processed only after their outputs (next-stage records, dead
///   letters, the processor's own rows) are durable;
/// - transient failures are retried with back-off and never dead-lettered; while retrying, the
///   partitions are paused and the consumer keeps polling, so the group does not evict it;
/// - poison never stops the stage: a message over ``StageWorkerConfiguration/maximumMessageBytes`` is
///   dead-lettered unread, one that is not JSON or breaks its schema after one parse, an input that fails
///   permanently after it was isolated from its batch (``PoisonIsolation``); a dead letter that cannot be
///   written for good is logged with its source offset and counted, and the stage goes on;
/// - one batch in flight per process (bounded work);
/// - graceful shutdown (SIGTERM through swift-service-lifecycle): stop fetching, finish the batch in hand,
///   commit, leave the group.
///
/// The worker knows Kafka, the `dead_letters` table and its processor, nothing of a stage's own tables.
public final class StageWorker<Processor: StageProcessor>: Service, Sendable {
    public let configuration: StageWorkerConfiguration
    let processor: Processor
    let outputs: any StageRecordSink
    let deadLetters: any DeadLetterSink
    let intake: MessageIntake<Processor.Input>
    let logger: Logger
    let metrics: StageMetrics
    private let prepareOutputs: @Sendable () async throws -> Void
    private let stopping = Atomic<Bool>(false)
    private let consumerCreated: @Sendable (KafkaConsumer) -> Void

    /// A worker producing with `producer` and dead-lettering to its topic and `pool`'s `dead_letters`.
    public convenience init(
        configuration: StageWorkerConfiguration, processor: Processor, producer: KafkaProducer, pool: PostgresPool,
        codec: MessageCodec, logger: Logger, onConsumerCreated: @escaping @Sendable (KafkaConsumer) -> Void = { _ in }
    ) {
        let deadLetters = DeadLetterWriter(
            stage: configuration.name, topic: configuration.deadLetterTopic, payloadLimit: configuration.deadLetterPayloadLimit,
            producer: producer, pool: pool, codec: codec, logger: logger)
        let topics = configuration.outputTopics + [configuration.deadLetterTopic]
        self.init(
            configuration: configuration, processor: processor, outputs: producer, deadLetters: deadLetters, codec: codec,
            logger: logger, prepareOutputs: { try await producer.prepare(topics: topics) }, onConsumerCreated: onConsumerCreated)
    }

    init(
        configuration: StageWorkerConfiguration, processor: Processor, outputs: any StageRecordSink, deadLetters: any DeadLetterSink,
        codec: MessageCodec, logger: Logger, prepareOutputs: @escaping @Sendable () async throws -> Void = {},
        onConsumerCreated: @escaping @Sendable (KafkaConsumer) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.processor = processor
        self.outputs = outputs
        self.deadLetters = deadLetters
        self.intake = MessageIntake(codec: codec, maximumBytes: configuration.maximumMessageBytes)
        self.logger = logger
        self.metrics = StageMetrics(stage: configuration.name)
        self.prepareOutputs = prepareOutputs
        self.consumerCreated = onConsumerCreated
    }

    /// Asks the worker to finish its batch and return (what a SIGTERM does through the service group).
    public func stop() {
        stopping.store(true, ordering: .relaxed)
    }

    public func run() async throws {
        try await prepareOutputs()
        let consumer = try KafkaConsumer(
            configuration: configuration.consumer, topics: [configuration.inputTopic], logger: logger)
        consumerCreated(consumer)
        logger.info("\(configuration.name) worker consuming \(configuration.inputTopic) as group \(configuration.consumer.groupID)")
        do {
            try await withGracefulShutdownHandler {
                try await self.consume(from: consumer)
            } onGracefulShutdown: {
                self.stop()
            }
        } catch {
            try? await consumer.close()
            throw error
        }
        try await consumer.close()
        logger.info("\(configuration.name) worker stopped")
    }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    /// Consumes batches until the worker stops or the consumer closes.
    func consume(from consumer: any StageConsumer) async throws {
        let session = PollSession(consumer: consumer)
        while !isStopping {
            guard let batch = try await nextBatch(session) else {
                if consumer.isClosing { return }
                continue
            }
            guard try await handle(batch, session) else { return }
        }
    }

    /// The messages carried over from a retry, or the next poll's, filled up for `batchLinger` and then with what the
    /// consumer has already fetched (up to `maxBatchSize`); `nil` when none came. With no linger, a batch is what has
    /// arrived, and a lone message is handled at once.
    private func nextBatch(_ session: PollSession) async throws -> [KafkaMessage]? {
        var batch = session.takeCarried()
        if batch.isEmpty {
            guard let first = try await session.consumer.poll(timeout: .milliseconds(200)) else { return nil }
            batch.append(first)
        }
        let deadline = ContinuousClock.now + configuration.batchLinger
        while batch.count < configuration.maxBatchSize, !isStopping {
            guard let next = try await session.consumer.poll(timeout: max(.zero, deadline - .now)) else { break }
            batch.append(next)
        }
        return batch
    }

    /// Handles one batch and marks it processed. Returns `false` when shutdown interrupted a retry (the batch
    /// stays uncommitted and will be consumed again).
    private func handle(_ batch: [KafkaMessage], _ session: PollSession) async throws -> Bool {
        let started = ContinuousClock.now
        var inputs: [ReadInput<Processor.Input>] = []
        for message in batch {
            switch intake.read(message) {
            case .input(let input, let document):
                inputs.append(ReadInput(message: message, input: input, document: document))
            case .poison(let letter, let document):
                guard try await deadLetter(letter, recordWith: document, session) else { return false }
            }
        }
        if !inputs.isEmpty {
            guard try await processAndForward(inputs, session) else { return false }
        }
        for message in batch { session.consumer.markProcessed(message) }
        let elapsed = (ContinuousClock.now - started).nanoseconds
        metrics.processed.increment(by: batch.count)
        metrics.batchLatency.recordNanoseconds(elapsed)
        for _ in batch { metrics.messageLatency.recordNanoseconds(elapsed) }
        return true
    }

    /// Processes the valid inputs, dead-letters what is poison among them and produces the rest's records.
    private func processAndForward(_ inputs: [ReadInput<Processor.Input>], _ session: PollSession) async throws -> Bool {
        let isolated = try await PoisonIsolation.run(inputs.map(\.input)) { part in
            try await self.retrying("process a batch", session) { try await self.processor.process(part) }
        }
        guard let isolated else { return false }
        var records: [KafkaRecord] = []
        for (read, outcome) in zip(inputs, isolated) {
            switch outcome {
            case .outcome(.forward(let produced)):
                records += produced
                metrics.forwarded.increment()
            case .outcome(.finished):
                metrics.finished.increment()
            case .outcome(.deadLetter(let reason, let text)):
                // The processor recorded what it means for its state before returning the outcome.
                guard try await deadLetter(DeadLetter(source: read.message, reason: reason, error: text), session) else { return false }
            case .failed(let error):
                metrics.failed.increment()
                let letter = DeadLetter(source: read.message, reason: .processingFailed, error: "\(error)")
                guard try await deadLetter(letter, recordWith: read.document, session) else { return false }
            }
        }
        guard !records.isEmpty else { return true }
        let outputs = self.outputs, produced = records
        switch try await retrying("produce outputs", session, { _ = try await outputs.send(produced) }) {
        case nil: return false
        case .failure(let error)?: throw error
        case .success?: return true
        }
    }

    /// Writes a dead letter. A permanent failure is logged and counted, never fatal: poison must not stop the
    /// stage. Returns `false` when shutdown interrupted a retry.
    private func deadLetter(_ letter: DeadLetter, _ session: PollSession) async throws -> Bool {
        let source = letter.sourceDescription
        switch try await retrying("dead-letter \(source)", session, { try await self.deadLetters.write(letter) }) {
        case nil:
            return false
        case .failure(let error)?:
            metrics.deadLetterFailures.increment()
            logger.critical("could not dead-letter \(source) (\(letter.reason.rawValue): \(letter.error)): \(error)")
        case .success?:
            metrics.deadLettered.increment()
            logger.warning("dead-lettered \(source) (\(letter.reason.rawValue)): \(letter.error)")
        }
        return true
    }

    /// Writes a dead letter the worker decided itself, then lets the processor record what it means for the
    /// stage's state (``StageProcessor/recordDeadLetter(_:document:)``); a permanent failure of that is logged.
    private func deadLetter(_ letter: DeadLetter, recordWith document: JSONValue?, _ session: PollSession) async throws -> Bool {
        guard try await deadLetter(letter, session) else { return false }
        let processor = self.processor
        switch try await retrying("record dead letter \(letter.sourceDescription)", session, {
            try await processor.recordDeadLetter(letter, document: document)
        }) {
        case nil: return false
        case .failure(let error)?: logger.error("the \(configuration.name) stage could not record dead letter \(letter.sourceDescription): \(error)")
        case .success?: break
        }
        return true
    }

    /// Runs `body` until it succeeds or fails permanently, retrying transient failures with back-off while
    /// the consumer's partitions are paused (polling goes on, so rebalances are served and records that
    /// still arrive are carried over to the next batch). Returns `nil` if shutdown began during a retry.
    private func retrying<T: Sendable>(
        _ what: String, _ session: PollSession, _ body: @Sendable () async throws -> T
    ) async throws -> Result<T, any Error>? {
        var backoff = RetryBackoff(initial: configuration.initialRetryDelay, maximum: configuration.maximumRetryDelay)
        var paused: Set<KafkaTopicPartition> = []
        defer { if !paused.isEmpty { try? session.consumer.resume(Array(paused)) } }
        while true {
            do {
                return .success(try await body())
            } catch where FailureClassification(error) == .permanent {
                return .failure(error)
            } catch {
                metrics.retries.increment()
                let delay = backoff.next()
                logger.warning("transient failure, retrying in \(delay) (\(what)): \(error)")
                let toPause = session.consumer.assignment.subtracting(paused)
                if !toPause.isEmpty {
                    try? session.consumer.pause(Array(toPause))
                    paused.formUnion(toPause)
                }
                guard try await session.wait(delay, while: { !self.isStopping }) else { return nil }
            }
        }
    }
}

/// A message that read as a valid input.
struct ReadInput<Input: ShopLookMessage>: Sendable {
    var message: KafkaMessage
    var input: StageInput<Input>
    var document: JSONValue
}

/// The consumer of one ``StageWorker/consume(from:)`` run and the messages polled during retries, which
/// start the next batch. Used by that run's task only.
final class PollSession {
    let consumer: any StageConsumer
    private var carried: [KafkaMessage] = []

    init(consumer: any StageConsumer) {
        self.consumer = consumer
    }

    func takeCarried() -> [KafkaMessage] {
        defer { carried = [] }
        return carried
    }

    /// Polls (keeping what arrives) until `delay` has passed; `false` as soon as `proceed` says stop.
    func wait(_ delay: Duration, while proceed: () -> Bool) async throws -> Bool {
        let wakeUp = ContinuousClock.now + delay
        while ContinuousClock.now < wakeUp {
            guard proceed() else { return false }
            if let early = try await consumer.poll(timeout: min(wakeUp - .now, .milliseconds(100))) {
                carried.append(early)
            }
        }
        return proceed()
    }
}
