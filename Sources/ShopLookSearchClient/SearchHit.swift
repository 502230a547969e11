import ShopLookSearch

/// One hit of a merged search: the article, what an answer shows of it, its exact cosine score and the shard
/// that found it.
public struct SearchHit: Sendable, Equatable {
    public var articleID: String
    public var imageID: String
    public var productID: String?
    public var category: String
    public var score: Float
    public var shard: Int

    public init(articleID: String, imageID: String, productID: String?, category: String, score: Float, shard: Int) {
        self.articleID = articleID
        self.imageID = imageID
        self.productID = productID
        self.category = category
        self.score = score
        self.shard = shard
    }

    public init(_ hit: WireHit, shard: Int) {
        self.init(
            articleID: hit.articleID, imageID: hit.imageID, productID: hit.productID, category: hit.category, score: hit.score,
            shard: shard)
    }

    /// The merge order: higher score first, then the smaller article id, then the smaller shard.
    static func precedes(_ lhs: SearchHit, _ rhs: SearchHit) -> Bool {
        if lhs.score != rhs.score { return lhs.score > rhs.score }
        if lhs.articleID != rhs.articleID { return lhs.articleID < rhs.articleID }
        return lhs.shard < rhs.shard
    }
}
