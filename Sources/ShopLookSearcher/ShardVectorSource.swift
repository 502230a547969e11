import ShopLookCore
import ShopLookPostgres
import ShopLookSearch

/// The vectors of the searcher's shards, read from PostgreSQL (the source of truth).
///
/// An article is live while its image belongs to a product that is not removed, or to no product at all
/// (a photo ingested without one). Its product in an answer is the first live one by id.
public struct ShardVectorSource: Sendable {
    let pool: PostgresPool
    /// Rows read per round trip when a whole shard is rebuilt.
    public var pageSize = 5000

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// One article's vector with what the shard keeps of it.
    public struct Row: Sendable {
        public var article: ShardArticle
        public var vector: [Float]
        /// The shard PostgreSQL has the vector on.
        public var shard: Int
    }

    static let liveArticles = """
        SELECT v.article_id, v.model_version, v.vector, a.image_id, a.super_category,
               COALESCE(a.category, a.super_category), live.product_id, v.shard
        FROM vectors v
        JOIN articles a ON a.article_id = v.article_id
        LEFT JOIN LATERAL (
            SELECT p.product_id FROM product_images pi JOIN products p ON p.product_id = pi.product_id
            WHERE pi.image_id = a.image_id AND p.removed_at IS NULL ORDER BY p.product_id LIMIT 1
        ) live ON true
        WHERE (live.product_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM product_images pi WHERE pi.image_id = a.image_id))
        """

    /// Every live vector of `shard` (optionally of one index), page by page in article-id order.
    public func shard(_ shard: Int, key: ShardIndexKey? = nil) async throws -> [Row] {
        var rows: [Row] = []
        var after = ""
        while true {
            var sql = Self.liveArticles + " AND v.shard = $1 AND v.article_id > $2"
            var parameters: [(any PostgresEncodable)?] = [shard, after, pageSize]
            if let key {
                sql += " AND v.super_category = $4 AND v.model_version = $5"
                parameters += [key.superCategory.rawValue, key.modelVersion]
            }
            sql += " ORDER BY v.article_id, v.model_version LIMIT $3"
            let page = try await pool.retrying { connection in try await connection.query(sql, parameters) }
            let decoded = try page.map(Self.decode)
            rows += decoded
            // Every model version of the last article is on this page or the next: continue after the article
            // only when the page was not cut inside it.
            guard decoded.count == pageSize, let last = decoded.last else { break }
            let cut = decoded.lastIndex { $0.article.articleID != last.article.articleID }.map { $0 + 1 } ?? 0
            if cut == 0 { throw SearcherError.unexpectedRow("more than \(pageSize) model versions of article \(last.article.articleID)") }
            rows.removeLast(decoded.count - cut)
            after = decoded[cut - 1].article.articleID
        }
        return rows
    }

    /// The live vectors of these (article, model version) pairs, keyed by them (absent: not live, or gone).
    public func vectors(of articles: [(articleID: String, modelVersion: String)]) async throws -> [ArticleVersion: Row] {
        guard !articles.isEmpty else { return [:] }
        let sql = Self.liveArticles + """
             AND (v.article_id, v.model_version) IN (SELECT * FROM unnest($1::text[], $2::text[]))
            """
        let page = try await pool.retrying { connection in
            try await connection.query(sql, [articles.map(\.articleID), articles.map(\.modelVersion)])
        }
        var result: [ArticleVersion: Row] = [:]
        for row in try page.map(Self.decode) {
            result[ArticleVersion(articleID: row.article.articleID, modelVersion: row.article.modelVersion)] = row
        }
        return result
    }

    static func decode(_ row: PostgresRow) throws -> Row {
        let superCategory = try row.decode(String.self, at: 4)
        guard let parsed = SuperCategory(rawValue: superCategory) else {
            throw SearcherError.unexpectedRow("unknown super-category \(superCategory)")
        }
        let article = ShardArticle(
            articleID: try row.decode(String.self, at: 0), imageID: try row.decode(String.self, at: 3),
            productID: try row.decode(String?.self, at: 6), superCategory: parsed, category: try row.decode(String.self, at: 5),
            modelVersion: try row.decode(String.self, at: 1))
        return Row(article: article, vector: try row.decode(Float32Vector.self, at: 2).values, shard: try row.decode(Int.self, at: 7))
    }
}
