import ShopLookCore
import ShopLookKafka
import ShopLookPostgres

/// Takes products out of the catalog: marks them removed in PostgreSQL, then publishes a tombstone (an empty
/// record keyed by article id, on the article's shard partition of `embedded`) for every article that no
/// live product still shows, so the shards' owners drop its vectors.
///
/// In that order: a searcher that rebuilds a shard from PostgreSQL after the update already leaves the articles
/// out, and one that replays `embedded` meets the tombstone. Running it again re-sends the tombstones (a
/// removal interrupted between the two steps completes; a tombstone applied twice changes nothing).
public struct ProductRemover: Sendable {
    let pool: PostgresPool
    let producer: KafkaProducer
    let topics: ShopLookTopics

    public init(pool: PostgresPool, producer: KafkaProducer, topics: ShopLookTopics) {
        self.pool = pool
        self.producer = producer
        self.topics = topics
    }

    public struct Report: Sendable, Equatable {
        /// The products now marked removed (including those removed before).
        public var removed: [String]
        /// The ids the catalog does not know.
        public var unknown: [String]
        /// Tombstones published, per shard.
        public var tombstones: [Int: Int]
    }

    public func remove(_ productIDs: [String]) async throws -> Report {
        let removed = try await pool.retrying { connection in
            try await connection.query(
                "UPDATE products SET removed_at = COALESCE(removed_at, now()) WHERE product_id = ANY($1) RETURNING product_id",
                [productIDs]
            ).map { try $0.decode(String.self, at: 0) }
        }
        let articles = try await pool.retrying { connection in
            try await connection.query(
                """
                SELECT DISTINCT v.article_id, v.shard FROM vectors v
                JOIN articles a ON a.article_id = v.article_id
                JOIN product_images pi ON pi.image_id = a.image_id AND pi.product_id = ANY($1)
                WHERE NOT EXISTS (
                    SELECT 1 FROM product_images other JOIN products p ON p.product_id = other.product_id
                    WHERE other.image_id = a.image_id AND p.removed_at IS NULL)
                ORDER BY v.shard, v.article_id
                """, [removed]
            ).map { (articleID: try $0.decode(String.self, at: 0), shard: try $0.decode(Int.self, at: 1)) }
        }
        let tombstones = articles.map { article in
            KafkaRecord(topic: topics.embedded, partition: Int32(article.shard), key: Array(article.articleID.utf8), value: [])
        }
        if !tombstones.isEmpty { _ = try await producer.send(tombstones) }
        let known = Set(removed)
        return Report(
            removed: removed.sorted(), unknown: productIDs.filter { !known.contains($0) },
            tombstones: Dictionary(grouping: articles, by: \.shard).mapValues(\.count))
    }
}
