import ShopLookCore

/// An owner's answer (`POST /v1/search`, JSON): one entry per requested shard it holds with the requested
/// generation, each with that shard's best hits per query (in the request's query order, best first, exact
/// cosine scores so that shards merge by score).
public struct SearchResponse: Codable, Sendable, Equatable {
    public var answers: [ShardAnswer]

    public init(answers: [ShardAnswer]) {
        self.answers = answers
    }
}

public struct ShardAnswer: Codable, Sendable, Equatable {
    public var shard: Int
    public var generation: Int64
    /// `hits[q]`: the hits of query `q`.
    public var hits: [[WireHit]]

    public init(shard: Int, generation: Int64, hits: [[WireHit]]) {
        self.shard = shard
        self.generation = generation
        self.hits = hits
    }
}

/// One hit: the article, what the answer needs of it, and its score.
public struct WireHit: Codable, Sendable, Equatable {
    public var articleID: String
    public var imageID: String
    public var productID: String?
    public var category: String
    public var score: Float

    public init(articleID: String, imageID: String, productID: String?, category: String, score: Float) {
        self.articleID = articleID
        self.imageID = imageID
        self.productID = productID
        self.category = category
        self.score = score
    }

    public init(_ hit: ShardHit) {
        self.init(
            articleID: hit.article.articleID, imageID: hit.article.imageID, productID: hit.article.productID,
            category: hit.article.category, score: hit.score)
    }

    enum CodingKeys: String, CodingKey {
        case articleID = "article_id", imageID = "image_id", productID = "product_id", category, score
    }
}
