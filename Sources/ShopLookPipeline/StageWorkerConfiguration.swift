import ShopLookCore
import ShopLookKafka

/// How a stage worker consumes, batches and retries.
public struct StageWorkerConfiguration: Sendable {
    public var stage: PipelineStage
    public var topics: ShopLookTopics
    /// The consumer-group settings (`group.id` is the stage's group: every process of a stage shares it).
    public var consumer: KafkaConsumerConfiguration
    /// The most inputs processed together (bounds the work in flight: one batch at a time per process).
    public var maxBatchSize = 16
    /// How long to wait for a batch to fill once its first input arrived.
    public var batchLinger: Duration = .milliseconds(10)
    /// Back-off between retries of a batch that failed transiently (doubling from `initialRetryDelay`).
    public var initialRetryDelay: Duration = .milliseconds(100)
    public var maximumRetryDelay: Duration = .seconds(10)

    public init(stage: PipelineStage, topics: ShopLookTopics, consumer: KafkaConsumerConfiguration) {
        self.stage = stage
        self.topics = topics
        self.consumer = consumer
    }

    public var inputTopic: String { topics.input(for: stage) }
    public var outputTopic: String { topics.output(for: stage) }
    public var deadLetterTopic: String { topics.deadLetter(for: stage) }
}
