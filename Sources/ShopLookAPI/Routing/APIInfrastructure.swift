import Logging
import ShopLookBlobStore
import ShopLookCore
import ShopLookKafka
import ShopLookPostgres

/// The connections a running API holds, made once by the executable and shared by every store built on them
/// (``APIServices/live(_:)``).
public struct APIInfrastructure: Sendable {
    public var pool: PostgresPool
    public var producer: KafkaProducer
    public var blobs: any BlobStore
    public var codec: MessageCodec
    public var topics: ShopLookTopics
    public var logger: Logger

    public init(pool: PostgresPool, producer: KafkaProducer, blobs: any BlobStore, codec: MessageCodec, topics: ShopLookTopics, logger: Logger) {
        self.pool = pool
        self.producer = producer
        self.blobs = blobs
        self.codec = codec
        self.topics = topics
        self.logger = logger
    }
}
