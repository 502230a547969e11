import ShopLookKafka

/// How a stage worker consumes, batches, retries and dead-letters.
public struct StageWorkerConfiguration: Sendable {
    /// The stage's short lowercase name (`pose`, `detect`, …): metrics label, dead-letter `stage`.
    public var name: String
    /// The topic the worker consumes.
    public var inputTopic: String
    /// The topics the processor's records go to (the producer learns them before the first batch).
    public var outputTopics: [String]
    /// Where poison input goes (``DeadLetterWriter``).
    public var deadLetterTopic: String
    /// The consumer-group settings (`group.id` is the stage's group: every process of a stage shares it).
    public var consumer: KafkaConsumerConfiguration
    /// The most inputs processed together (bounds the work in flight: one batch at a time per process).
    public var maxBatchSize = 16
    /// How long to wait for a batch to fill once its first input arrived (what the consumer has already fetched joins
    /// the batch either way).
    public var batchLinger: Duration = .milliseconds(10)
    /// Back-off between retries of a batch that failed transiently (doubling from `initialRetryDelay`).
    public var initialRetryDelay: Duration = .milliseconds(100)
    public var maximumRetryDelay: Duration = .seconds(10)
    /// The largest message value the worker parses; a larger one is dead-lettered as `limit_exceeded` unread.
    /// ShopLook's messages carry ids, never image bytes: the largest (a pose verdict with 33 landmarks and the
    /// article regions) is a few KiB.
    public var maximumMessageBytes = 1 << 20
    /// The most payload bytes a dead letter keeps (the rest is named by its size and SHA-256; the message
    /// itself stays on the input topic at its offset).
    public var deadLetterPayloadLimit = 64 << 10

    public init(
        name: String, inputTopic: String, outputTopics: [String], deadLetterTopic: String, consumer: KafkaConsumerConfiguration
    ) {
        self.name = name
        self.inputTopic = inputTopic
        self.outputTopics = outputTopics
        self.deadLetterTopic = deadLetterTopic
        self.consumer = consumer
    }
}
