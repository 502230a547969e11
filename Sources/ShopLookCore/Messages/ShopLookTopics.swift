/// The Kafka topic names of the ShopLook pipeline, optionally prefixed per environment.
///
/// ```swift
/// let topics = ShopLookTopics(prefix: "staging.")
/// topics.newImage                  // "staging.new-image"
/// topics.deadLetter(for: .embed)   // "staging.dead-letter.embed"
/// ```
public struct ShopLookTopics: Sendable, Equatable {
    /// Number of search shards, which is also the partition count of `embedded`.
    public static let searchShardCount = 8

    /// Unprefixed topic names with their default partition counts, in pipeline order.
    public static let defaultPartitions: [(name: String, partitions: Int)] =
        [
            (name: "new-image", partitions: 6),
            (name: "pose-filtered", partitions: 6),
            (name: "cropped-articles", partitions: 6),
            (name: "embedded", partitions: searchShardCount),
        ]
        + PipelineStage.allCases.map { (name: "dead-letter." + $0.rawValue, partitions: 1) }
        + [(name: "query-jobs", partitions: 3), (name: "dead-letter.query", partitions: 1)]

    /// Prepended verbatim to every topic name (e.g. `"staging."`); empty by default.
    public var prefix: String

    /// Topic names with the given prefix.
    public init(prefix: String = "") {
        self.prefix = prefix
    }

    /// Uploaded images awaiting pose estimation (``NewImageMessage``).
    public var newImage: String { prefix + "new-image" }
    /// Images with their pose verdict (``PoseFilteredMessage``).
    public var poseFiltered: String { prefix + "pose-filtered" }
    /// Garments cropped out of images (``CroppedArticlesMessage``).
    public var croppedArticles: String { prefix + "cropped-articles" }
    /// Articles whose vectors are stored; partition = search shard (``EmbeddedMessage``).
    public var embedded: String { prefix + "embedded" }
    /// Shoppers' photos to answer (``LookQueryMessage``): the query worker's input.
    public var queryJobs: String { prefix + "query-jobs" }
    /// Where the query worker dead-letters a message it cannot read (the job it names is failed).
    public var queryDeadLetter: String { prefix + "dead-letter.query" }
    /// The consumer group of the query workers: its own, so the catalog's backlog never delays a shopper.
    public var queryConsumerGroup: String { prefix + "shoplook-query-worker" }

    /// The dead-letter topic of `stage`, e.g. `dead-letter.pose` (``DeadLetterEnvelope``).
    public func deadLetter(for stage: PipelineStage) -> String {
        prefix + "dead-letter." + stage.rawValue
    }

    /// The topic `stage` consumes.
    public func input(for stage: PipelineStage) -> String {
        switch stage {
        case .pose: newImage
        case .detect: poseFiltered
        case .embed: croppedArticles
        }
    }

    /// The topic `stage` produces to.
    public func output(for stage: PipelineStage) -> String {
        switch stage {
        case .pose: poseFiltered
        case .detect: croppedArticles
        case .embed: embedded
        }
    }

    /// Every topic (prefixed) with its default partition count, for topic creation.
    public func all() -> [(name: String, partitions: Int)] {
        Self.defaultPartitions.map { (name: prefix + $0.name, partitions: $0.partitions) }
    }

    /// The consumer group of a stage's workers (every process of the stage shares it).
    public func consumerGroup(for stage: PipelineStage) -> String {
        prefix + "shoplook-" + stage.rawValue
    }
}
