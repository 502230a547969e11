import Logging
import ShopLookCore

/// A consumer-group member that commits only the offsets its caller marks processed.
///
/// - Records come from ``next()`` (or the ``messages`` sequence) in offset order per partition.
/// - ``markProcessed(_:)`` after the record's effects are durable; the committed offset of a partition
///   never passes an unprocessed record, even when records finish out of order.
/// - Offsets are committed in the background (`auto.commit.interval.ms`), synchronously by ``commit()``,
///   before a partition is revoked, and on ``close()``.
/// - Rebalances use `cooperative-sticky`; the ``KafkaRebalanceHandler`` sees revocations before the
///   partitions are given up.
///
/// Polling runs on a dedicated thread, never on the cooperative pool.
public final class KafkaConsumer: Sendable {
    private let client: RDKafkaConsumer
    private let poller: Poller
    public let configuration: KafkaConsumerConfiguration
    public let topics: [String]

    /// Creates the client and subscribes. Throws a `.configuration` error for an unknown or invalid
    /// property.
    public init(
        configuration: KafkaConsumerConfiguration,
        topics: [String],
        rebalanceHandler: KafkaRebalanceHandler = KafkaRebalanceHandler(),
        logger: Logger
    ) throws(KafkaError) {
        self.configuration = configuration
        self.topics = topics
        let client = try RDKafkaConsumer(
            configuration: configuration, topics: topics, rebalanceHandler: rebalanceHandler, logger: logger)
        self.client = client
        self.poller = Poller(client: client)
    }

    /// The next record, or `nil` once the consumer is closed. Throws on fatal client errors and on
    /// cancellation; transient broker trouble is retried inside librdkafka and logged.
    public func next() async throws -> KafkaMessage? {
        try await poller.next(deadline: nil)
    }

    /// The next record if one arrives within `timeout`; `nil` on time-out or once closed (see ``isClosing``).
    /// Rebalance callbacks are served while waiting, so a caller that must hold back (all partitions paused,
    /// a retry pending) keeps its group membership by polling with a time-out.
    public func poll(timeout: Duration) async throws -> KafkaMessage? {
        try await poller.next(deadline: ContinuousClock.now + timeout)
    }

    /// Whether ``close()`` has begun: no more records will be returned.
    public var isClosing: Bool { client.isClosing }

    /// Records until the consumer is closed.
    public var messages: AsyncThrowingStream<KafkaMessage, any Error> {
        AsyncThrowingStream(unfolding: { [self] in try await next() })
    }

    /// Marks a record processed: its offset may now be committed (once every earlier record of its
    /// partition is processed too).
    public func markProcessed(_ message: KafkaMessage) {
        client.markProcessed(message.topicPartition, offset: message.offset)
    }

    /// Commits the marked offsets now and waits for the broker's answer. Throws a `.closed` error once
    /// ``close()`` has begun (closing commits the marked offsets itself).
    public func commit() async throws {
        let client = self.client
        try await runBlocking { try client.commitStored() }
    }

    /// Offsets committed in the group for these partitions (`nil` where none is).
    public func committedOffsets(
        _ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)
    ) async throws -> [KafkaTopicPartition: Int64] {
        let client = self.client
        return try await runBlocking {
            try client.committed(partitions, timeoutMilliseconds: Int32(timeout.milliseconds))
        }
    }

    /// Stops fetching from these partitions (records already returned are unaffected).
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try client.setPaused(partitions, paused: true)
    }

    /// Resumes fetching from paused partitions.
    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try client.setPaused(partitions, paused: false)
    }

    /// Moves an assigned partition's fetch position: the next record of it that ``next()`` returns is the
    /// one at `offset` (or the first after it). No record of the partition fetched before the seek is
    /// returned afterwards, though one returned before it may still be in the caller's hands: a caller that
    /// must not mix the two seeks only between batches. Retries while the partition's fetcher is still being
    /// started (right after its assignment) or when a try times out, up to `timeout`.
    public func seek(_ partition: KafkaTopicPartition, to offset: Int64, timeout: Duration = .seconds(60)) async throws {
        let client = self.client
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                let remaining = Int32(max(100, min(5000, (deadline - .now).milliseconds)))
                return try await runBlocking { try client.seek(partition, to: offset, timeoutMilliseconds: remaining) }
            } catch let error as KafkaError where RDKafkaConsumer.retriableSeekErrorCodes.contains(error.code) && ContinuousClock.now < deadline {
                // The assignment's fetcher starts after the group's committed offset is read: a moment. A seek that
                // timed out (a busy machine) left the position unknown; seeking again to the same offset is harmless.
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Partitions currently owned by this member.
    public var assignment: Set<KafkaTopicPartition> { client.assignment }

    /// Records returned by `next()` and not yet marked processed.
    public var inFlightCount: Int { client.inFlightCount }

    /// Leaves the group cleanly: revokes (calling the handler), commits marked offsets, destroys the
    /// client. `next()` returns `nil` afterwards. Idempotent.
    public func close() async throws {
        client.beginClose()
        try await poller.close()
    }
}

/// Serialises the blocking librdkafka calls of one consumer on a dedicated thread.
private actor Poller {
    private let executor: DedicatedThreadExecutor
    private let client: RDKafkaConsumer

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(client: RDKafkaConsumer) {
        self.client = client
        self.executor = DedicatedThreadExecutor(name: "kafka-consumer-poll")
    }

    deinit {
        executor.shutdown()
    }

    func next(deadline: ContinuousClock.Instant?) async throws -> KafkaMessage? {
        while true {
            try Task.checkCancellation()
            guard !client.isClosing else { return nil }
            let remaining = deadline.map { max(0, min(100, ($0 - .now).milliseconds)) } ?? 100
            if let message = try client.poll(timeoutMilliseconds: Int32(remaining)) { return message }
            if let deadline, ContinuousClock.now >= deadline { return nil }
            // Let other work on this thread (commit, close) run between polls.
            await Task.yield()
        }
    }

    func close() throws {
        try client.close()
    }
}
