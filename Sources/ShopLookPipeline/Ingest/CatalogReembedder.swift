import ShopLookCore
import ShopLookKafka
import ShopLookPostgres
import ShopLookVision

/// Moves a catalog to another embedding model version: sends every embedded catalog image that has an article
/// without a vector of that version to `cropped-articles` again, with its articles as the detect stage wrote them.
/// Embed workers running the new version add its vectors (an upsert per article and version; the old version's
/// stay) and publish them on `embedded`, where the searchers index them beside the old version's.
///
/// Images whose every product was removed are left out. Running it again sends only what still misses the
/// version, so an interrupted move resumes; an image sent twice is embedded twice to the same rows.
public struct CatalogReembedder: Sendable {
    let pool: PostgresPool
    let producer: KafkaProducer
    let codec: MessageCodec
    let topics: ShopLookTopics
    /// Images read and sent per round.
    public var pageSize = 500

    public init(pool: PostgresPool, producer: KafkaProducer, codec: MessageCodec, topics: ShopLookTopics) {
        self.pool = pool
        self.producer = producer
        self.codec = codec
        self.topics = topics
    }

    /// An `articles` row with a super-category the catalog does not have.
    public struct UnexpectedRow: Error, CustomStringConvertible {
        public var column: String
        public var description: String { "articles.super_category holds '\(column)', not upper, lower or foot" }
    }

    public struct Report: Sendable, Equatable {
        /// Images sent to `cropped-articles` (or that would be, for a dry run).
        public var images = 0
        /// Their articles.
        public var articles = 0

        public init(images: Int = 0, articles: Int = 0) {
            self.images = images
            self.articles = articles
        }
    }

    /// - Parameters:
    ///   - modelVersion: the version the catalog moves to (an embed worker's `modelVersion`).
    ///   - dryRun: count what would be sent, send nothing.
    public func reembed(missing modelVersion: String, dryRun: Bool = false) async throws -> Report {
        var report = Report()
        var after = ""
        while true {
            let rows = try await pool.retrying { connection in
                try await connection.query(
                    """
                    WITH todo AS (
                        SELECT i.image_id,
                               (SELECT min(pi.product_id) FROM product_images pi JOIN products p ON p.product_id = pi.product_id
                                WHERE pi.image_id = i.image_id AND p.removed_at IS NULL) AS product_id
                        FROM images i
                        WHERE i.source = 'catalog' AND i.state = 'embedded' AND i.image_id > $2
                          AND EXISTS (
                              SELECT 1 FROM articles a WHERE a.image_id = i.image_id AND NOT EXISTS (
                                  SELECT 1 FROM vectors v WHERE v.article_id = a.article_id AND v.model_version = $1))
                          AND NOT (EXISTS (SELECT 1 FROM product_images pi WHERE pi.image_id = i.image_id)
                                   AND NOT EXISTS (
                                       SELECT 1 FROM product_images pi JOIN products p ON p.product_id = pi.product_id
                                       WHERE pi.image_id = i.image_id AND p.removed_at IS NULL))
                        ORDER BY i.image_id
                        LIMIT $3
                    )
                    SELECT t.image_id, t.product_id, a.article_id, a.super_category, a.category, a.x0, a.y0, a.x1, a.y1,
                           a.score, a.crop_blob_key
                    FROM todo t JOIN articles a ON a.image_id = t.image_id
                    ORDER BY t.image_id, a.super_category, a.ordinal
                    """, [modelVersion, after, pageSize])
            }
            if rows.isEmpty { return report }
            var messages: [CroppedArticlesMessage] = []
            for row in rows {
                let imageID = try row.decode(String.self, at: 0)
                let column = try row.decode(String.self, at: 3)
                guard let superCategory = SuperCategory(rawValue: column) else { throw UnexpectedRow(column: column) }
                // An article without a category (none is written so, but the column allows it) is named again.
                let category = try row.decode(String?.self, at: 4)
                let article = Article(
                    articleID: try row.decode(String.self, at: 2), superCategory: superCategory,
                    category: category ?? FineCategoryClassifier.plainName(of: superCategory),
                    box: BoundingBox(
                        x0: try row.decode(Double.self, at: 5), y0: try row.decode(Double.self, at: 6),
                        x1: try row.decode(Double.self, at: 7), y1: try row.decode(Double.self, at: 8)),
                    score: try row.decode(Double.self, at: 9), cropBlobKey: try row.decode(String.self, at: 10),
                    unnamed: category == nil)
                if messages.last?.imageID == imageID {
                    messages[messages.count - 1].articles.append(article)
                } else {
                    messages.append(CroppedArticlesMessage(
                        imageID: imageID, source: .catalog, productID: try row.decode(String?.self, at: 1), articles: [article]))
                }
            }
            report.images += messages.count
            report.articles += rows.count
            if !dryRun {
                let records = try messages.map { message in
                    KafkaRecord(topic: topics.croppedArticles, key: Array(message.imageID.utf8), value: try codec.encode(message))
                }
                _ = try await producer.send(records)
            }
            after = messages[messages.count - 1].imageID
        }
    }
}
