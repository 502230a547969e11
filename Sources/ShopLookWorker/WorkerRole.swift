import ShopLookCore
import ShopLookKafka
import ShopLookPipeline
import ShopLookStreaming

/// What a worker executable is: its short name (metrics label, dead-letter `stage`), the topics it consumes,
/// produces and dead-letters to, its consumer group and its default `/metrics` port.
public struct WorkerRole: Sendable {
    public var name: String
    public var defaultMetricsPort: Int
    private let configure: @Sendable (ShopLookTopics, KafkaConfiguration, String?) -> StageWorkerConfiguration

    public init(
        name: String, defaultMetricsPort: Int,
        configure: @escaping @Sendable (ShopLookTopics, KafkaConfiguration, _ group: String?) -> StageWorkerConfiguration
    ) {
        self.name = name
        self.defaultMetricsPort = defaultMetricsPort
        self.configure = configure
    }

    /// The worker's configuration; `group` replaces the role's consumer group when given.
    public func configuration(topics: ShopLookTopics, kafka: KafkaConfiguration, group: String?) -> StageWorkerConfiguration {
        configure(topics, kafka, group)
    }

    /// A catalog stage: its input and output topics, `dead-letter.<stage>`, group `shoplook-<stage>`.
    public static func stage(_ stage: PipelineStage) -> WorkerRole {
        let port = switch stage {
        case .pose: 9401
        case .detect: 9402
        case .embed: 9403
        }
        return WorkerRole(name: stage.rawValue, defaultMetricsPort: port) { topics, kafka, group in
            StageWorkerConfiguration(
                stage: stage, topics: topics,
                consumer: KafkaConsumerConfiguration(kafka: kafka, groupID: group ?? topics.consumerGroup(for: stage)))
        }
    }

    /// The query worker: `query-jobs` in, nothing out (answers go to PostgreSQL), `dead-letter.query`, its own group
    /// `shoplook-query-worker` so that the catalog's backlog never delays a shopper. No batch linger: a look is taken
    /// as soon as it arrives (looks that arrived together still share a batch).
    public static let query = WorkerRole(name: "query", defaultMetricsPort: 9404) { topics, kafka, group in
        var configuration = StageWorkerConfiguration(
            name: "query", inputTopic: topics.queryJobs, outputTopics: [], deadLetterTopic: topics.queryDeadLetter,
            consumer: KafkaConsumerConfiguration(kafka: kafka, groupID: group ?? topics.queryConsumerGroup))
        configuration.batchLinger = .zero
        return configuration
    }
}
