import ShopLookKafka

/// What a ``StageWorker`` needs of its consumer-group member: ``KafkaConsumer`` in a process, an in-memory
/// double in the runtime's unit tests.
///
/// `poll` is called from one task at a time; the other members are thread-safe.
public protocol StageConsumer: AnyObject, Sendable {
    /// The next message, or `nil` when none arrived within `timeout`.
    func poll(timeout: Duration) async throws -> KafkaMessage?
    /// Whether the member is leaving the group (polling further returns nothing).
    var isClosing: Bool { get }
    /// The partitions the member owns now.
    var assignment: Set<KafkaTopicPartition> { get }
    /// Stops fetching from `partitions` (polling goes on, so the group keeps the member).
    func pause(_ partitions: [KafkaTopicPartition]) throws
    /// Fetches from `partitions` again.
    func resume(_ partitions: [KafkaTopicPartition]) throws
    /// Records that `message` and its effects are durable: its offset may be committed.
    func markProcessed(_ message: KafkaMessage)
}

extension KafkaConsumer: StageConsumer {}

/// Where a ``StageWorker`` sends the records its processor returns: ``KafkaProducer`` in a process.
public protocol StageRecordSink: Sendable {
    /// Sends `records` and returns once every one is acknowledged.
    func send(_ records: [KafkaRecord]) async throws -> [KafkaDeliveryReport]
}

extension KafkaProducer: StageRecordSink {}
