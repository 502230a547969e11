import ShopLookKafka
import ShopLookSearch

/// How a searcher consumes `embedded`, keeps its shards and answers.
public struct SearcherConfiguration: Sendable {
    /// The `embedded` topic; its partitions are the shards.
    public var topic: String
    /// The consumer group of the searchers (every searcher shares it: the group's assignment is shard ownership).
    public var consumer: KafkaConsumerConfiguration
    /// Where shard snapshots live (a directory every searcher that may take a shard over can read).
    public var snapshotRoot: String
    /// How often a shard with changes is snapshotted.
    public var snapshotInterval: Duration = .seconds(30)
    /// The most `embedded` records applied together (one PostgreSQL read of their vectors).
    public var maxBatchSize = 512
    /// How long to wait for a batch to fill once its first record arrived.
    public var batchLinger: Duration = .milliseconds(5)
    /// Training and search settings of the shards' indexes.
    public var policy = IndexPolicy()
    /// Threads that run searches (off the cooperative pool).
    public var searchThreads = 2
    /// How long each shard's load waits before it begins (cancelled with the load when its partition is
    /// revoked). Zero in production; tests and drills set it to stand in for a slow rebuild (minutes per
    /// million vectors) and check that the group keeps working while shards load.
    public var shardLoadDelay: Duration = .zero

    public init(topic: String, consumer: KafkaConsumerConfiguration, snapshotRoot: String) {
        self.topic = topic
        self.consumer = consumer
        self.snapshotRoot = snapshotRoot
    }
}
